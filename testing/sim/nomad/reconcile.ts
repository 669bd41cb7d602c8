// The reconciler: for each task group, which allocations to place, stop,
// update in place or replace, given the job and its current allocations.
import type { Job, TaskGroup } from '../../../agent/nomad/types.js';
import type { SimAlloc } from './model.js';

export interface GroupUpdates {
  Place: number;
  Stop: number;
  InPlaceUpdate: number;
  DestructiveUpdate: number;
  Ignore: number;
  Migrate: number;
  Canary: number;
  Preemptions: number;
}

export interface GroupPlan {
  readonly group: TaskGroup;
  readonly place: number[];
  /** Failed allocations being replaced now, by alloc index. */
  readonly replacing: Map<number, SimAlloc>;
  readonly stop: Array<{ alloc: SimAlloc; reason: string }>;
  readonly inPlace: SimAlloc[];
  readonly updates: GroupUpdates;
}
function groupSpec(job: Job, tg: TaskGroup): string {
  const { Count: _c, Scaling: _s, Update: _u, ...rest } = tg;
  return JSON.stringify([rest, job.Meta ?? null, job.Constraints ?? null, job.Datacenters ?? null]);
}

/**
 * A failed allocation keeps its slot until its reschedule evaluation runs
 * (or forever once its reschedule policy is spent), as Nomad's reconciler does.
 */
export function reconcile(job: Job | undefined, allocs: readonly SimAlloc[], evalId = ''): GroupPlan[] {
  const plans: GroupPlan[] = [];
  const replacing = allocs.filter((a) => a.DesiredStatus === 'run' && a.ClientStatus === 'failed' && a.NextAllocation === '' && a.FollowupEvalID !== '' && a.FollowupEvalID === evalId);
  const live = allocs.filter((a) => a.DesiredStatus === 'run' && a.ClientStatus !== 'lost' && a.NextAllocation === '' && !replacing.includes(a));
  const groups = job?.TaskGroups ?? [];
  const known = new Set(groups.map((g) => g.Name));
  const orphans = live.filter((a) => !known.has(a.TaskGroup));
  for (const tg of groups) {
    const desired = job?.Stop === true ? 0 : tg.Count ?? 1;
    const mine = live.filter((a) => a.TaskGroup === tg.Name).sort((a, b) => a.index - b.index);
    const updates: GroupUpdates = { Place: 0, Stop: 0, InPlaceUpdate: 0, DestructiveUpdate: 0, Ignore: 0, Migrate: 0, Canary: 0, Preemptions: 0 };
    const stop: GroupPlan['stop'] = [];
    const inPlace: SimAlloc[] = [];
    const keep: SimAlloc[] = [];
    // Batch allocs that completed count as done.
    for (const a of mine) {
      // A failed alloc of an older version does not hold its slot: the new version replaces it.
      if (a.ClientStatus === 'failed' && (job === undefined || a.Job.Version !== job.Version)) continue;
      if (a.ClientStatus === 'failed' && keep.length < desired && !keep.some((k) => k.index === a.index)) {
        keep.push(a);
        continue;
      }
      if (keep.length >= desired || keep.some((k) => k.index === a.index)) {
        stop.push({ alloc: a, reason: job?.Stop === true ? 'alloc not needed as job is stopped' : 'alloc not needed due to job update' });
        updates.Stop += 1;
      } else keep.push(a);
    }
    const place: number[] = [];
    const spec = job === undefined ? '' : groupSpec(job, tg);
    for (const a of keep) {
      if (a.ClientStatus === 'complete' || a.ClientStatus === 'failed') {
        updates.Ignore += 1;
        continue;
      }
      if (job !== undefined && groupSpec(a.Job, a.Job.TaskGroups.find((g) => g.Name === tg.Name) ?? tg) !== spec) {
        stop.push({ alloc: a, reason: 'alloc is being updated due to job update' });
        place.push(a.index);
        updates.DestructiveUpdate += 1;
      } else if (job !== undefined && a.Job.Version !== job.Version) {
        inPlace.push(a);
        updates.InPlaceUpdate += 1;
      } else updates.Ignore += 1;
    }
    const usedIndexes = new Set(keep.map((a) => a.index));
    for (let i = 0; keep.length + place.length - updates.DestructiveUpdate < desired; i += 1) {
      if (usedIndexes.has(i)) continue;
      usedIndexes.add(i);
      place.push(i);
      updates.Place += 1;
    }
    const mineReplacing = new Map(replacing.filter((a) => a.TaskGroup === tg.Name).map((a) => [a.index, a]));
    plans.push({ group: tg, place, stop, inPlace, updates, replacing: mineReplacing });
  }
  for (const a of orphans) {
    plans.push({
      group: { Name: a.TaskGroup, Tasks: [] },
      place: [],
      replacing: new Map(),
      stop: [{ alloc: a, reason: job === undefined ? 'alloc not needed as job is stopped' : 'alloc not needed due to job update' }],
      inPlace: [],
      updates: { Place: 0, Stop: 1, InPlaceUpdate: 0, DestructiveUpdate: 0, Ignore: 0, Migrate: 0, Canary: 0, Preemptions: 0 },
    });
  }
  return plans;
}

