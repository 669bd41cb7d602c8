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

/** One sample of the counters; sleeps the groups found idle. */
export function createIdleTick(ctx: PowerContext, loop: IdleLoopDeps): () => void {
  return () => {
    const now = ctx.clock.now();
    const counters = ctx.deps.monitor.counters();
    for (const member of ctx.members.values()) {
      if (member.state === 'awake') member.tracker.observe(counters.get(member.unit.service), now);
    }
    const groups = new Set([...ctx.members.values()].map((m) => m.unit.powerGroup));
    for (const powerGroup of groups) {
      if (loop.busy(powerGroup)) continue;
      const idle = ctx.inGroup(powerGroup).every((m) => m.state === 'awake' && m.tracker.idleForMs(now) >= loop.timeoutOf(m));
      if (idle) loop.sleepGroup(powerGroup, 'idle').catch(() => undefined);
    }
  };
}
