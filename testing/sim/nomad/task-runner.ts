// One task's life on a client: setup, start through its driver, exit, the
// restart policy (attempts per interval, delay, mode), kill with KillTimeout
// then SIGKILL, and Nomad's task events along the way.
import type { Logger } from 'pino';
import type { Task, TaskEvent, TaskState } from '../../../agent/nomad/types.js';
import type { TaskDriver, TaskHandle } from './drivers/driver.js';

const NS_PER_MS = 1_000_000;

/** Go's time.Duration.String for whole milliseconds: 30m0s, 24h0m0s, 15s, 500ms. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

export function newTaskState(): TaskState {
  return { State: 'pending', Failed: false, Restarts: 0, LastRestart: null, StartedAt: null, FinishedAt: null, Events: [] };
}

export interface TaskRunnerDeps {
  readonly task: Task;
  readonly jobType: string;
  /** Lifecycle tasks that are not sidecars run once: exit 0 ends them like a batch task. */
  readonly runOnce: boolean;
  readonly state: TaskState;
  readonly driver: TaskDriver | undefined;
  /** Renders templates and returns the full env and driver config for a start; throws to fail the task. */
  readonly prepare: () => Promise<{ env: Record<string, string>; config: Record<string, unknown>; taskDir: string; stdoutPath: string; stderrPath: string }>;
  readonly onChange: () => void;
  readonly log: Logger;
}

export interface TaskRunner {
  start(): void;
  /** Resolves when the task is dead for good. */
  finished(): Promise<void>;
  kill(reason?: string): Promise<void>;
  /** Restarts without counting against the restart policy (template change_mode restart). */
  restart(reason: string): Promise<void>;
  signal(signal: NodeJS.Signals, reason: string): void;
  readonly pid: number | undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

export function createTaskRunner(deps: TaskRunnerDeps): TaskRunner {
  const { task, state } = deps;
  const policy = task.RestartPolicy ?? {};
  const attempts = policy.Attempts ?? 2;
  const intervalMs = (policy.Interval ?? 30 * 60_000 * NS_PER_MS) / NS_PER_MS;
  const delayMs = (policy.Delay ?? 15_000 * NS_PER_MS) / NS_PER_MS;
  const mode = policy.Mode ?? 'fail';
  const killTimeoutMs = (task.KillTimeout ?? 5000 * NS_PER_MS) / NS_PER_MS;
  const killSignal = (task.KillSignal !== undefined && task.KillSignal !== '' ? task.KillSignal : 'SIGINT') as NodeJS.Signals;
  const abort = new AbortController();
  let handle: TaskHandle | undefined;
  let killed = false;
  let restartRequested = false;
  let windowStart = 0;
  let windowCount = 0;
  let loop: Promise<void> = Promise.resolve();

  const emit = (type: string, display: string, extra: Partial<TaskEvent> & Record<string, unknown> = {}): void => {
    state.Events.push({
      Type: type, Time: Date.now() * NS_PER_MS, Message: '', DisplayMessage: display, Details: {},
      FailsTask: false, RestartReason: '', SetupError: '', DriverError: '', ExitCode: 0, Signal: 0, KillReason: '',
      KillTimeout: 0, KillError: '', StartDelay: 0, DownloadError: '', ValidationError: '', DiskLimit: 0, FailedSibling: '',
      VaultError: '', TaskSignalReason: '', TaskSignal: '', DriverMessage: '', GenericSource: '',
      ...extra,
    } as TaskEvent);
    if (state.Events.length > 10) state.Events.splice(0, state.Events.length - 10);
    deps.onChange();
  };
  const finish = (failed: boolean): void => {
    state.State = 'dead';
    state.Failed = failed;
    state.FinishedAt = new Date().toISOString();
    deps.onChange();
  };

  /** Whether to run again after an exit; emits the Restarting / Not Restarting event. */
  const decideRestart = async (exitCode: number): Promise<boolean> => {
    if ((deps.jobType === 'batch' || deps.jobType === 'sysbatch' || deps.runOnce) && exitCode === 0) {
      emit('Not Restarting', 'Restart unnecessary as task terminated successfully');
      finish(false);
      return false;
    }
    const now = Date.now();
    if (now - windowStart > intervalMs) {
      windowStart = now;
      windowCount = 0;
    }
    let wait = delayMs;
    if (windowCount >= attempts) {
      if (mode === 'fail') {
        emit('Not Restarting', `Exceeded allowed attempts ${attempts} in interval ${goDuration(intervalMs)} and mode is "fail"`, { FailsTask: true });
        finish(true);
        return false;
      }
      wait = Math.max(delayMs, windowStart + intervalMs - now);
      windowStart = now + wait;
      windowCount = 0;
    }
    windowCount += 1;
    state.State = 'pending';
    emit('Restarting', `Task restarting in ${goDuration(Math.round(wait))}`, { RestartReason: 'Restart within policy', StartDelay: wait * NS_PER_MS });
    await sleep(wait, abort.signal);
    if (killed) return false;
    state.Restarts += 1;
    state.LastRestart = new Date().toISOString();
    return true;
  };

  const runLoop = async (): Promise<void> => {
    emit('Received', 'Task received by client');
    emit('Task Setup', 'Building Task Directory', { Message: 'Building Task Directory' });
    while (!killed) {
      let prepared;
      try {
        prepared = await deps.prepare();
      } catch (err) {
        emit('Killing', `Template failed: ${(err as Error).message}`, { FailsTask: true, KillReason: `Template failed: ${(err as Error).message}` });
        finish(true);
        return;
      }
      if (killed) break;
      if (deps.driver === undefined) {
        emit('Driver Failure', `failed to start task: driver ${JSON.stringify(task.Driver)} is not available on this node`, { FailsTask: true });
        finish(true);
        return;
      }
      let exitCode: number;
      try {
        handle = await deps.driver.start({ task, config: prepared.config, env: prepared.env, taskDir: prepared.taskDir, stdoutPath: prepared.stdoutPath, stderrPath: prepared.stderrPath });
        if (killed) {
          handle.signal('SIGKILL');
          break;
        }
        state.State = 'running';
        state.StartedAt = new Date().toISOString();
        state.FinishedAt = null;
        emit('Started', 'Task started by client');
        const exit = await handle.exited;
        handle = undefined;
        if (killed) return;
        exitCode = exit.exitCode;
        const sig = exit.signal === null ? 0 : (signalNumber(exit.signal) ?? 0);
        emit('Terminated', `Exit Code: ${exitCode}${sig > 0 ? `, Signal: ${sig}` : ''}`, { ExitCode: exitCode, Signal: sig, Details: { exit_code: String(exitCode), signal: String(sig) } });
      } catch (err) {
        handle = undefined;
        exitCode = 1;
        emit('Driver Failure', (err as Error).message, { DriverError: (err as Error).message, FailsTask: false });
      }
      if (restartRequested) {
        restartRequested = false;
        state.Restarts += 1;
        state.LastRestart = new Date().toISOString();
        state.State = 'pending';
        emit('Restarting', 'Task restarting in 0s', { RestartReason: 'Restart signaled' });
        continue;
      }
      if (!(await decideRestart(exitCode))) return;
    }
  };

  const stopProcess = async (): Promise<void> => {
    const h = handle;
    if (h === undefined) return;
    emit('Killing', `Sent interrupt. Waiting ${goDuration(killTimeoutMs)} before force killing`, { KillTimeout: killTimeoutMs * NS_PER_MS });
    h.signal(killSignal);
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        h.signal('SIGKILL');
        resolve();
      }, killTimeoutMs);
    });
    const exit = await Promise.race([h.exited, forced.then(() => h.exited)]);
    clearTimeout(timer);
    const sig = exit.signal === null ? 0 : (signalNumber(exit.signal) ?? 0);
    emit('Terminated', `Exit Code: ${exit.exitCode}${sig > 0 ? `, Signal: ${sig}` : ''}`, { ExitCode: exit.exitCode, Signal: sig });
  };

  return {
    get pid() {
      return handle?.pid;
    },
    finished: () => loop,
    start() {
      loop = runLoop().catch((err: unknown) => {
        deps.log.error({ err, task: task.Name }, 'task runner failed');
        finish(true);
      });
    },
    async kill(reason) {
      if (killed) return loop;
      killed = true;
      abort.abort();
      const wasAlive = state.State !== 'dead';
      await stopProcess();
      await loop;
      if (wasAlive) {
        emit('Killed', 'Task successfully killed', reason === undefined ? {} : { KillReason: reason });
        finish(state.Failed);
      }
      return undefined;
    },
    async restart(reason) {
      if (killed || handle === undefined) return;
      emit('Restart Signaled', reason, { RestartReason: reason });
      restartRequested = true;
      await stopProcess();
    },
    signal(signal, reason) {
      if (handle === undefined) return;
      emit('Signaling', reason, { TaskSignal: signal, TaskSignalReason: reason });
      handle.signal(signal);
    },
  };
}

function signalNumber(name: string): number | undefined {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGUSR1: 10, SIGUSR2: 12, SIGTERM: 15 };
  return table[name];
}
