// Waits until a TCP port accepts connections: a freshly installed node's sshd
// comes up only after the installer has finished and the machine rebooted.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForPortOptions {
  readonly host: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
}

function tryConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True once the port accepts a connection; false at the deadline or when aborted. */
export async function waitForPort(options: WaitForPortOptions): Promise<boolean> {
  const interval = options.intervalMs ?? 5000;
  const deadline = Date.now() + options.timeoutMs;
  while (options.signal?.aborted !== true) {
    if (await tryConnect(options.host, options.port, Math.min(interval, 3000))) return true;
    if (Date.now() + interval > deadline) return false;
    try {
      await sleep(interval, undefined, options.signal === undefined ? {} : { signal: options.signal });
    } catch {
      return false;
    }
  }
  return false;
}
