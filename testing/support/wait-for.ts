// Polls until a condition holds or a deadline passes. The deadline is a
// failure guard, never a speed assertion: on a loaded machine it only has to
// be long enough, and the error names what was awaited and the last error.
export interface WaitForOptions {
  /** How long to keep trying before failing (default 15 s). */
  readonly timeoutMs?: number;
  /** Pause between tries (default 100 ms). */
  readonly intervalMs?: number;
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
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await read();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
