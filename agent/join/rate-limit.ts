// Counts failed join attempts per client address in a sliding window; once a
// client reaches the limit it is refused before its token is even looked at.

export interface FailureLimiter {
  isBlocked(client: string): boolean;
  recordFailure(client: string): void;
}

export interface FailureLimiterOptions {
  readonly limit: number;
  readonly windowMs: number;
  readonly now: () => number;
}

/** Clients remembered at most; past it the longest-known one is forgotten, so a flood of addresses cannot grow memory without bound. */
const MAX_CLIENTS = 10_000;

export function createFailureLimiter(options: FailureLimiterOptions): FailureLimiter {
  const failures = new Map<string, number[]>();

  function recent(client: string): number[] {
    const since = options.now() - options.windowMs;
    const kept = (failures.get(client) ?? []).filter((at) => at > since);
    if (kept.length === 0) failures.delete(client);
    else failures.set(client, kept);
    return kept;
  }

  return {
    isBlocked: (client) => recent(client).length >= options.limit,
    recordFailure(client) {
      const kept = [...recent(client), options.now()];
      failures.delete(client);
      if (failures.size >= MAX_CLIENTS) {
        const oldest = failures.keys().next();
        if (oldest.done !== true) failures.delete(oldest.value);
      }
      failures.set(client, kept);
    },
  };
}
