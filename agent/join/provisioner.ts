// Provisions joined nodes one at a time: the configured command (ansible-playbook
// by default) with `-i INVENTORY --limit HOST PLAYBOOK` appended, as an argv,
// never through a shell. A node that joins at the end of its install is
// provisioned once its SSH port answers (after the reboot). stop() ends the
// wait or the run in flight.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../log.js';
import { waitForPort } from './wait-for-port.js';

export type ProvisionOutcome = 'succeeded' | 'failed';

export interface ProvisionerOptions {
  readonly command: readonly string[];
  readonly inventory: string;
  readonly playbook: string;
  readonly log: Logger;
  /** How long to wait for a node's SSH port before giving up on it (0: do not wait). */
  readonly sshWaitMs: number;
  readonly sshPort?: number;
  readonly sshPollMs?: number;
  /** Told when a run starts and how it ended. */
  readonly onStatus: (hostname: string, status: 'running' | ProvisionOutcome) => void;
}

export interface Provisioner {
  /** Queues a run; with an address, the run waits for the node's SSH port first. */
  enqueue(hostname: string, address?: string): void;
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
  const abort = new AbortController();

  async function runWhenReachable(hostname: string, address: string | undefined): Promise<void> {
    if (stopped) return;
    if (address !== undefined && options.sshWaitMs > 0) {
      const port = options.sshPort ?? 22;
      log.info({ hostname, address, port }, 'waiting for the node to answer on ssh');
      const reachable = await waitForPort({ host: address, port, timeoutMs: options.sshWaitMs, intervalMs: options.sshPollMs ?? 5000, signal: abort.signal });
      if (stopped) return;
      if (!reachable) {
        options.onStatus(hostname, 'failed');
        log.warn({ hostname, address, port, waitedMs: options.sshWaitMs }, 'provisioning abandoned: the node never answered on ssh');
        return;
      }
    }
    await runOnce(hostname);
  }

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
    enqueue(hostname, address) {
      chain = chain.then(() => runWhenReachable(hostname, address));
    },
    idle: () => chain,
    async stop() {
      stopped = true;
      abort.abort();
      running?.kill('SIGTERM');
      await chain;
    },
  };
}
