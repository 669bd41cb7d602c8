// The idle loop: samples the traffic monitor's counters every tick and puts a
// power group to sleep once every member has been idle for its timeout.
import type { PowerContext } from './context.js';
import type { Member } from './member.js';

export interface IdleLoopDeps {
  /** The member's idle timeout now (the operator's, else the job's). */
  readonly timeoutOf: (member: Member) => number;
  readonly busy: (powerGroup: string) => boolean;
  readonly sleepGroup: (powerGroup: string, reason: string) => Promise<void>;
}

/**
 * One sample of the counters; sleeps the groups found idle. It runs every second for every watched service, so it
 * walks the members once (a group is idle when each of its members is awake and idle) and keeps its garbage small.
 */
export function createIdleTick(ctx: PowerContext, loop: IdleLoopDeps): () => void {
  return () => {
    const now = ctx.clock.now();
    const counters = ctx.deps.monitor.counters();
    const idleGroups = new Map<string, boolean>();
    for (const member of ctx.members.values()) {
      const awake = member.state === 'awake';
      if (awake) member.tracker.observe(counters.get(member.unit.service), now);
      const idle = awake && member.tracker.idleForMs(now) >= loop.timeoutOf(member);
      const { powerGroup } = member.unit;
      idleGroups.set(powerGroup, idle && idleGroups.get(powerGroup) !== false);
    }
    for (const [powerGroup, idle] of idleGroups) {
      if (idle && !loop.busy(powerGroup)) loop.sleepGroup(powerGroup, 'idle').catch(() => undefined);
    }
  };
}
