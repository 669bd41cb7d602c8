// The rules every Consul blocking-query loop follows (Consul's "blocking
// queries" guide): how the next index is chosen, how fast the loop may go round,
// and how long to wait after an error. Pure functions and small state machines
// with the clock and the random source passed in, so they can be tested exactly.
import { computeBackoffMs, DEFAULT_BACKOFF, type BackoffPolicy } from '../http/backoff.js';

export { computeBackoffMs, DEFAULT_BACKOFF, type BackoffPolicy };

export interface IndexStep {
  /** The index to send on the next call (always >= 1). */
  readonly nextIndex: number;
  /** The answer may hold new data: the index moved (or went backwards, or was unusable). */
  readonly changed: boolean;
  /** The index went backwards or was unusable; the previous one was forgotten. */
  readonly reset: boolean;
}

/**
 * From the index we sent (`previous`, 0 for the first call) and the X-Consul-Index
 * returned: an index lower than before resets to 0, and the next call never uses
 * less than 1, because index 0 does not block and the loop would spin.
 */
export function advanceIndex(previous: number, returned: number): IndexStep {
  if (!Number.isFinite(returned) || returned <= 0) return { nextIndex: 1, changed: true, reset: true };
  // Backwards (snapshot restore, KV delete of the newest key): reset to 0, which goes out as 1.
  if (returned < previous) return { nextIndex: 1, changed: true, reset: true };
  return { nextIndex: Math.max(1, returned), changed: returned !== previous, reset: false };
}

export interface RateLimitPolicy {
  /** Calls allowed back to back. */
  readonly burst: number;
  /** One more call is allowed every this many ms. */
  readonly intervalMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitPolicy = { burst: 2, intervalMs: 1000 };

export interface RateLimiter {
  /** Takes a token: how many ms to wait before the call (0: go now). */
  take(): number;
}

/** A token bucket: `burst` calls at once, then one every `intervalMs` for a loop that never blocks. */
export function createRateLimiter(policy: RateLimitPolicy = DEFAULT_RATE_LIMIT, now: () => number = Date.now): RateLimiter {
  let tokens = policy.burst;
  let updatedAt = now();
  return {
    take() {
      const current = now();
      tokens = Math.min(policy.burst, tokens + (current - updatedAt) / policy.intervalMs);
      updatedAt = current;
      tokens -= 1;
      return tokens >= 0 ? 0 : Math.ceil(-tokens * policy.intervalMs);
    },
  };
}

export interface ErrorBackoff {
  /** The delay before the next retry; each call counts one more failure in a row. */
  next(): number;
  /** A success ends the streak. */
  reset(): void;
  /** Failures in the current streak. */
  readonly failures: number;
}

/** Exponential backoff with full jitter, capped (30 s by default), reset by a success. */
export function createErrorBackoff(policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): ErrorBackoff {
  let failures = 0;
  return {
    next() {
      const delay = computeBackoffMs(failures, policy, random);
      failures += 1;
      return delay;
    },
    reset() {
      failures = 0;
    },
    get failures() {
      return failures;
    },
  };
}
