// Keeps asking one backend (Nomad or Consul) a cheap question: often while it
// is unreachable, so its return is noticed within about a second, and less
// often while it answers, so an idle agent stays idle.
import type { Logger } from '../log.js';

export interface Reachability {
  readonly reachable: boolean;
  /** When the current state began (ms since the epoch); 0 before the first probe. */
  readonly since: number;
  /** Why the last probe failed, when it did. */
  readonly error?: string;
}

export interface ReachabilityProbe {
  start(): void;
  stop(): void;
  state(): Reachability;
  /** Probes now (also used once at start, so the state is known early). */
  probeNow(): Promise<Reachability>;
}

export interface ReachabilityOptions {
  readonly name: string;
  readonly probe: (signal: AbortSignal) => Promise<unknown>;
  /** Between probes while the backend is unreachable. */
  readonly intervalMs: number;
  /** Between probes while it answers (default: intervalMs). */
  readonly reachableIntervalMs?: number;
  readonly log: Logger;
  readonly onChange?: (state: Reachability) => void;
  readonly now?: () => number;
}

const PROBE_TIMEOUT_MS = 1000;

function reasonOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function createReachabilityProbe(options: ReachabilityOptions): ReachabilityProbe {
  const now = options.now ?? Date.now;
  const log = options.log.child({ backend: options.name });
  let current: Reachability = { reachable: false, since: 0, error: 'not probed yet' };
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<Reachability> | undefined;
  let controller: AbortController | undefined;

  function record(next: Reachability): Reachability {
    const changed = next.reachable !== current.reachable || current.since === 0;
    current = changed ? next : { ...next, since: current.since };
    if (changed) {
      if (next.reachable) log.info('backend reachable');
      else log.warn({ reason: next.error }, 'backend unreachable');
      options.onChange?.(current);
    }
    return current;
  }

  async function probeOnce(): Promise<Reachability> {
    const own = new AbortController();
    controller = own;
    const limitMs = Math.max(options.intervalMs, PROBE_TIMEOUT_MS);
    let timedOut = false;
    const timeout = setTimeout(() => {
      timedOut = true;
      own.abort();
    }, limitMs);
    try {
      await options.probe(own.signal);
      return record({ reachable: true, since: now() });
    } catch (err) {
      return record({ reachable: false, since: now(), error: timedOut ? `no answer within ${limitMs} ms` : reasonOf(err) });
    } finally {
      clearTimeout(timeout);
    }
  }

  function probeNow(): Promise<Reachability> {
    inFlight ??= probeOnce().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  function schedule(): void {
    timer = setTimeout(() => {
      void probeNow().finally(() => {
        if (timer !== undefined) schedule();
      });
    }, current.reachable ? (options.reachableIntervalMs ?? options.intervalMs) : options.intervalMs);
    timer.unref();
  }

  return {
    start() {
      if (timer !== undefined) return;
      void probeNow();
      schedule();
    },
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      controller?.abort();
    },
    state: () => current,
    probeNow,
  };
}
