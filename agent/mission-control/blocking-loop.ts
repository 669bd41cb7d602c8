// One blocking-query loop: read with the last index, hand each new answer on,
// back off after a failure (1 s, 2 s, ... 10 s) and end when stopped. Nomad
// and Consul both answer a blocking read when the index moves or the wait
// passes, so an idle cluster costs one request per wait.
import type { Logger } from '../log.js';

export interface BlockingLoopOptions<T> {
  readonly name: string;
  readonly read: (index: number, signal: AbortSignal) => Promise<{ data: T; index: number }>;
  readonly onData: (data: T) => void;
  readonly onError: (err: unknown) => void;
  readonly log: Logger;
  /** Waits between failed reads; injected so tests need not sleep. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface BlockingLoop {
  start(): void;
  stop(): Promise<void>;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

export function createBlockingLoop<T>(options: BlockingLoopOptions<T>): BlockingLoop {
  const sleep = options.sleep ?? defaultSleep;
  let aborter: AbortController | undefined;
  let running: Promise<void> | undefined;

  async function loop(signal: AbortSignal): Promise<void> {
    let index = 0;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const result = await options.read(index, signal);
        if (signal.aborted) return;
        failures = 0;
        // An index that goes backwards (a restarted server) starts over, as Consul's docs ask.
        const next = result.index < index ? 0 : result.index;
        if (next !== index || index === 0) options.onData(result.data);
        index = next;
      } catch (err) {
        if (signal.aborted) return;
        failures += 1;
        if (failures === 1) options.log.warn({ err, watch: options.name }, 'cluster watch failed; retrying');
        options.onError(err);
        index = 0;
        await sleep(Math.min(10_000, 1000 * failures), signal);
      }
    }
  }

  return {
    start() {
      if (aborter !== undefined) return;
      aborter = new AbortController();
      running = loop(aborter.signal);
    },
    async stop() {
      aborter?.abort();
      await running;
      aborter = undefined;
      running = undefined;
    },
  };
}
