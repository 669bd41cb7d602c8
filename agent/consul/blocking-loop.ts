// One Consul blocking-query loop: ask with the last index, hand changed answers
// on, follow the index rules (index-rules.ts), pace the loop with a token bucket,
// back off with jitter after errors, and stop when the signal aborts.
import { sleep } from '../http/backoff.js';
import { isAbortError } from '../http/map-error.js';
import { advanceIndex, createErrorBackoff, createRateLimiter, type BackoffPolicy, type RateLimitPolicy } from './index-rules.js';
import type { IndexedResult } from './types.js';

export interface BlockingLoopOptions<T> {
  /** One read; `index` 0 means a plain (non-blocking) read. */
  readonly read: (index: number, signal: AbortSignal) => Promise<IndexedResult<T>>;
  /** Called with the first answer and every answer whose index moved. */
  readonly onData: (data: T) => void;
  /** Called after every failed read; `failures` counts the current streak (1 for its first error). */
  readonly onError: (err: unknown, failures: number) => void;
  /** Called on the first success after a streak of errors. */
  readonly onRecover?: () => void;
  readonly signal: AbortSignal;
  readonly rateLimit?: RateLimitPolicy;
  readonly backoff?: BackoffPolicy;
}

/** Runs until `signal` aborts; never rejects. */
export async function runBlockingLoop<T>(options: BlockingLoopOptions<T>): Promise<void> {
  const { signal } = options;
  const limiter = createRateLimiter(options.rateLimit);
  const backoff = createErrorBackoff(options.backoff);
  let index = 0;
  let delivered = false;
  while (!signal.aborted) {
    await sleep(limiter.take(), signal);
    if (signal.aborted) return;
    try {
      const result = await options.read(index, signal);
      const step = advanceIndex(index, result.index);
      index = step.nextIndex;
      if (backoff.failures > 0) {
        backoff.reset();
        options.onRecover?.();
      }
      if (step.changed || !delivered) {
        delivered = true;
        options.onData(result.data);
      }
    } catch (err) {
      if (signal.aborted || isAbortError(err)) return;
      const delay = backoff.next();
      options.onError(err, backoff.failures);
      // The server may have restarted with a lower index; a blocking read with the old
      // one would hang for the whole wait, so the next read is a plain one.
      index = 0;
      await sleep(delay, signal);
    }
  }
}
