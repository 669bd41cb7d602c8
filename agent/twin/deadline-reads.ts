// Reads an async source, but never waits past a deadline: while the caller
// holds something back (text it is coalescing), the next read is raced
// against that deadline, and a read that is late yields `deadline` first (the
// read itself is kept and comes next). This is how coalesced text still goes
// out promptly when a model pauses: it waits for the next network read only
// until the deadline. One timer per deadline, not one per read.
export type DeadlineStep<T> = { readonly kind: 'read'; readonly value: T } | { readonly kind: 'deadline' };

export interface Timers {
  readonly now: () => number;
  /** Calls `fn` after `ms`; returns the cancel function. */
  readonly after: (ms: number, fn: () => void) => () => void;
}

export const realTimers: Timers = {
  now: () => performance.now(),
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/** `deadline()` is asked before each wait: a time (on `timers.now`'s clock) or undefined for no deadline. */
export async function* readWithDeadline<T>(source: AsyncIterable<T>, deadline: () => number | undefined, timers: Timers = realTimers): AsyncGenerator<DeadlineStep<T>> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  let timer: { at: number; fired: Promise<'deadline'>; cancel: () => void } | undefined;
  const clearTimer = () => {
    timer?.cancel();
    timer = undefined;
  };
  try {
    for (;;) {
      pending ??= iterator.next();
      const at = deadline();
      if (at === undefined) clearTimer();
      else if (timer?.at !== at) {
        clearTimer();
        let cancel = () => undefined as void;
        const fired = new Promise<'deadline'>((resolve) => (cancel = timers.after(Math.max(0, at - timers.now()), () => resolve('deadline'))));
        timer = { at, fired, cancel };
      }
      const result = timer === undefined ? await pending : await Promise.race([pending, timer.fired]);
      if (result === 'deadline') {
        timer = undefined;
        yield { kind: 'deadline' };
        continue;
      }
      pending = undefined;
      if (result.done === true) return;
      yield { kind: 'read', value: result.value };
    }
  } finally {
    clearTimer();
    // Stopped early (the consumer returned or threw): let the source go too, without waiting on a read
    // still in flight (a stalled server would hold it).
    if (pending === undefined) await iterator.return?.();
    else void iterator.return?.()?.catch(() => undefined);
  }
}
