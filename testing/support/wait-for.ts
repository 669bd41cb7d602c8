// Polling until a condition holds, for tests and benchmarks. The deadline is
// a failure guard, never a speed assertion: on a loaded machine it only has
// to be long enough. waitFor fails naming what was awaited (and the last
// error); settle resolves with the last value read either way, so the
// assertion after it shows what was seen.
export interface WaitForOptions {
  /** How long to keep trying before giving up (default 15 s). */
  readonly timeoutMs?: number;
  /** Pause between tries (default 50 ms). */
  readonly intervalMs?: number;
}

type Outcome<T> = { readonly value: T } | { readonly lastError: unknown };

async function poll<T>(read: () => Promise<T | undefined | false> | T | undefined | false, options: WaitForOptions): Promise<Outcome<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await read();
      if (value !== undefined && value !== false) return { value };
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) return { lastError };
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/**
 * Calls `read` until it returns something other than `undefined` or `false`
 * and resolves with that value; a `read` that throws counts as not yet.
 * Rejects with "timed out waiting for <what>" when the deadline passes.
 */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitForOptions = {},
): Promise<T> {
  const outcome = await poll(read, options);
  if ('value' in outcome) return outcome.value;
  const why = outcome.lastError instanceof Error ? ` (last error: ${outcome.lastError.message})` : '';
  throw new Error(`timed out waiting for ${what}${why}`);
}

/** Reads until `done(value)` holds or the deadline passes (default 3 s) and resolves with the last value read. */
export async function settle<T>(read: () => T, done: (value: T) => boolean, options: WaitForOptions = {}): Promise<T> {
  let last = read();
  if (done(last)) return last;
  await poll(() => {
    last = read();
    return done(last);
  }, { timeoutMs: 3000, intervalMs: 20, ...options });
  return last;
}
