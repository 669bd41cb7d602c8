// Decides when a service is idle from the traffic monitor's counters: idle
// means no non-check bytes moved and no non-check connection stayed open for
// the whole timeout. The monitor already leaves health checks out of
// `activityBytes` and `openConnections`, so a Consul check every few seconds
// does not keep a service awake, while a long streaming response (bytes keep
// moving) or an open RPC session (a connection stays open) does.
import type { ServiceCounters } from './ports.js';

export interface IdleTracker {
  /** Records a counters sample taken at `nowMs`. */
  observe(counters: ServiceCounters | undefined, nowMs: number): void;
  /** Marks the service active now (it just woke, or the agent just started watching it). */
  touch(nowMs: number): void;
  idleForMs(nowMs: number): number;
}

export function createIdleTracker(startMs: number): IdleTracker {
  let lastActiveMs = startMs;
  let lastBytes: number | undefined;
  return {
    observe(counters, nowMs) {
      if (counters === undefined) return;
      const moved = lastBytes !== undefined && counters.activityBytes !== lastBytes;
      lastBytes = counters.activityBytes;
      if (moved || counters.openConnections > 0) lastActiveMs = nowMs;
    },
    touch(nowMs) {
      lastActiveMs = nowMs;
    },
    idleForMs: (nowMs) => Math.max(0, nowMs - lastActiveMs),
  };
}
