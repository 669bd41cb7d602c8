// raw_exec (and exec): a real child process in its own process group, with
// stdout/stderr appended to the alloc's log files.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { TaskDriver, TaskExit, TaskHandle } from './driver.js';

/** Told about every process group started and ended, so an exiting simulator can kill what is left. */
export interface ProcessTracker {
  add(pid: number): void;
  delete(pid: number): void;
}

export function createRawExecDriver(live: ProcessTracker): TaskDriver {
  return {
    start(ctx) {
      const command = ctx.config.command;
      if (typeof command !== 'string' || command === '') return Promise.reject(new Error('failed to launch command with executor: missing command'));
      const args = Array.isArray(ctx.config.args) ? ctx.config.args.map(String) : [];
      const out = openSync(ctx.stdoutPath, 'a');
      const err = openSync(ctx.stderrPath, 'a');
      return new Promise<TaskHandle>((resolve, reject) => {
        const child = spawn(command, args, { cwd: ctx.taskDir, env: ctx.env, stdio: ['ignore', out, err], detached: true });
        closeSync(out);
        closeSync(err);
        const exited = new Promise<TaskExit>((done) => {
          child.once('exit', (code, signal) => {
            if (child.pid !== undefined) live.delete(child.pid);
            done({ exitCode: code ?? (signal === null ? 0 : 128), signal });
          });
        });
        child.once('error', (e) => reject(new Error(`failed to launch command with executor: ${e.message}`)));
        child.once('spawn', () => {
          const pid = child.pid;
          if (pid !== undefined) live.add(pid);
          resolve({
            pid,
            exited,
            signal(signal) {
              try {
                if (pid !== undefined) process.kill(-pid, signal);
              } catch {
                child.kill(signal);
              }
            },
          });
        });
      });
    },
  };
}
