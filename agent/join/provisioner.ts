// Provisions joined nodes one at a time: the configured command (ansible-playbook
// by default) with `-i INVENTORY --limit HOST PLAYBOOK` appended, as an argv,
// never through a shell. stop() waits for the run in flight, or ends it.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../log.js';

export type ProvisionOutcome = 'succeeded' | 'failed';

export interface ProvisionerOptions {
  readonly command: readonly string[];
  readonly inventory: string;
  readonly playbook: string;
  readonly log: Logger;
  /** Told when a run starts and how it ended. */
  readonly onStatus: (hostname: string, status: 'running' | ProvisionOutcome) => void;
}

export interface Provisioner {
  enqueue(hostname: string): void;
  /** Resolves when every queued run has finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function provisionArgv(options: Pick<ProvisionerOptions, 'command' | 'inventory' | 'playbook'>, hostname: string): string[] {
  return [...options.command, '-i', options.inventory, '--limit', hostname, options.playbook];
}

export function createProvisioner(options: ProvisionerOptions): Provisioner {
  const log = options.log.child({ module: 'join-provisioner' });
  let chain: Promise<void> = Promise.resolve();
  let running: ChildProcess | undefined;
  let stopped = false;

  function runOnce(hostname: string): Promise<void> {
    if (stopped) return Promise.resolve();
    const [file, ...args] = provisionArgv(options, hostname);
    if (file === undefined) return Promise.resolve();
    options.onStatus(hostname, 'running');
    log.info({ hostname, argv: [file, ...args] }, 'provisioning started');
    return new Promise((resolve) => {
      const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'], shell: false });
      running = child;
      let stderr = '';
      let finished = false;
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-4000);
      });
      const finish = (outcome: ProvisionOutcome, fields: Record<string, unknown>) => {
        if (finished) return;
        finished = true;
        running = undefined;
        options.onStatus(hostname, outcome);
        log[outcome === 'succeeded' ? 'info' : 'warn']({ hostname, ...fields }, 'provisioning finished');
        resolve();
      };
      child.once('error', (err) => finish('failed', { err }));
      child.once('close', (code, signal) => finish(code === 0 ? 'succeeded' : 'failed', { code, signal, stderr }));
    });
  }

  return {
    enqueue(hostname) {
      chain = chain.then(() => runOnce(hostname));
    },
    idle: () => chain,
    async stop() {
      stopped = true;
      running?.kill('SIGTERM');
      await chain;
    },
  };
}
