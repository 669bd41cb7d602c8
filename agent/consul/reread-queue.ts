// Plain (non-blocking) re-reads of single service names, a few at a time so a
// burst of changes never opens more than `concurrency` connections. A name
// asked for while its read is in flight is read once more afterwards (the
// answer in flight may predate the change); a failed read is retried after a
// backoff with jitter, reset by the next success.
import { sleep } from '../http/backoff.js';
import { isAbortError } from '../http/map-error.js';
import { createErrorBackoff, type BackoffPolicy } from './index-rules.js';

export interface RereadQueueOptions {
  readonly concurrency: number;
  readonly read: (name: string, signal: AbortSignal) => Promise<void>;
  readonly onError: (err: unknown) => void;
  readonly signal: AbortSignal;
  readonly backoff?: BackoffPolicy;
}

export interface RereadQueue {
  request(name: string): void;
  /** A read of the name is queued or in flight. */
  busy(name: string): boolean;
  /** Forgets a name that left the catalog: queued reads of it are dropped. */
  forget(name: string): void;
  /** Resolves once no read is in flight (after the signal aborted: once all have ended). */
  idle(): Promise<void>;
}

export function createRereadQueue(options: RereadQueueOptions): RereadQueue {
  const { signal } = options;
  const backoff = createErrorBackoff(options.backoff);
  const pending = new Set<string>();
  const inFlight = new Map<string, Promise<void>>();
  const again = new Set<string>();

  async function run(name: string): Promise<void> {
    try {
      await options.read(name, signal);
      backoff.reset();
    } catch (err) {
      if (signal.aborted || isAbortError(err)) return;
      options.onError(err);
      again.add(name);
      await sleep(backoff.next(), signal);
    }
  }

  function pump(): void {
    while (!signal.aborted && inFlight.size < options.concurrency && pending.size > 0) {
      const name = pending.values().next().value as string;
      pending.delete(name);
      const done = run(name).finally(() => {
        inFlight.delete(name);
        if (again.delete(name)) pending.add(name);
        pump();
      });
      inFlight.set(name, done);
    }
  }

  return {
    request(name) {
      if (signal.aborted) return;
      if (inFlight.has(name)) again.add(name);
      else pending.add(name);
      pump();
    },
    busy: (name) => pending.has(name) || inFlight.has(name),
    forget(name) {
      pending.delete(name);
      again.delete(name);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight.values()]);
    },
  };
}
