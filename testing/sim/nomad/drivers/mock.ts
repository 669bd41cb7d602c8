// Nomad's mock_driver: no process; `run_for` (how long it runs, default
// forever), `exit_code`, `start_error`. Also stands in for docker on nodes
// that list the docker driver.
import { parseGoDuration } from '../../blocking.js';
import type { TaskDriver, TaskExit, TaskHandle } from './driver.js';

export function createMockDriver(): TaskDriver {
  return {
    async start(ctx) {
      const cfg = ctx.config;
      if (typeof cfg.start_error === 'string' && cfg.start_error !== '') throw new Error(cfg.start_error);
      const runFor = typeof cfg.run_for === 'number' ? cfg.run_for / 1e6 : typeof cfg.run_for === 'string' ? parseGoDuration(cfg.run_for) : undefined;
      const exitCode = typeof cfg.exit_code === 'number' ? cfg.exit_code : Number(cfg.exit_code ?? 0) || 0;
      let finish: (e: TaskExit) => void = () => undefined;
      const exited = new Promise<TaskExit>((resolve) => {
        finish = resolve;
      });
      let timer: NodeJS.Timeout | undefined;
      if (runFor !== undefined && runFor > 0) timer = setTimeout(() => finish({ exitCode, signal: null }), runFor);
      else if (runFor === 0) setImmediate(() => finish({ exitCode, signal: null }));
      const handle: TaskHandle = {
        pid: undefined,
        exited,
        signal(signal) {
          if (signal === 'SIGHUP' || signal === 'SIGUSR1' || signal === 'SIGUSR2') return;
          if (timer !== undefined) clearTimeout(timer);
          finish({ exitCode: 0, signal });
        },
      };
      return handle;
    },
  };
}
