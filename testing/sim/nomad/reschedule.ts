// Reschedule policy arithmetic for failed allocations.
import type { SimAlloc } from './model.js';
import { nowNs } from './model.js';

/** How many reschedules led to this allocation within its policy's interval. */
export function rescheduleAttempts(a: SimAlloc): number {
  const tg = a.Job.TaskGroups.find((g) => g.Name === a.TaskGroup);
  const interval = tg?.ReschedulePolicy?.Interval ?? 0;
  const events = a.RescheduleTracker?.Events ?? [];
  if (interval <= 0) return events.length;
  const since = nowNs() - interval;
  return events.filter((e) => e.RescheduleTime >= since).length;
}

/** The delay before rescheduling a failed allocation, or undefined when its policy is spent. */
export function rescheduleDelayNs(a: SimAlloc): number {
  const policy = a.Job.TaskGroups.find((g) => g.Name === a.TaskGroup)?.ReschedulePolicy;
  const base = policy?.Delay ?? 30e9;
  const n = a.RescheduleTracker?.Events.length ?? 0;
  if (policy?.DelayFunction === 'constant') return base;
  const grown = base * 2 ** n;
  return policy?.MaxDelay !== undefined && policy.MaxDelay > 0 ? Math.min(grown, policy.MaxDelay) : grown;
}

export function canReschedule(a: SimAlloc): boolean {
  const policy = a.Job.TaskGroups.find((g) => g.Name === a.TaskGroup)?.ReschedulePolicy;
  if (policy == null) return false;
  if (policy.Unlimited === true) return true;
  return rescheduleAttempts(a) < (policy.Attempts ?? 0);
}
