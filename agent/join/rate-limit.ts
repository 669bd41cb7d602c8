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
      failures.set(client, [...recent(client), options.now()]);
    },
  };
}
