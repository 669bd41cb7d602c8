// What a task driver gives the task runner: start a task, learn how it exits, signal it.
import type { Task } from '../../../../agent/nomad/types.js';

export interface TaskExit {
  readonly exitCode: number;
  readonly signal: string | null;
}

export interface TaskHandle {
  readonly pid: number | undefined;
  readonly exited: Promise<TaskExit>;
  signal(signal: NodeJS.Signals): void;
}

export interface TaskStartContext {
  readonly task: Task;
  /** Driver config with `${...}` already interpolated. */
  readonly config: Record<string, unknown>;
  readonly env: Record<string, string>;
  readonly taskDir: string;
  readonly stdoutPath: string;
  readonly stderrPath: string;
}

export interface TaskDriver {
  /** Throws an Error whose message is the driver failure Nomad would report. */
  start(ctx: TaskStartContext): Promise<TaskHandle>;
}
