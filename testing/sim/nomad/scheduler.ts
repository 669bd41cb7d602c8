// The scheduler: runs evaluations one at a time, reconciles each task group's
// allocations with its count (place, stop, in-place or destructive update),
// records placement failures as a blocked evaluation and retries it when
// capacity frees up.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Job, TaskGroup } from '../../../agent/nomad/types.js';
import { addUsage, computeUsage, emptyMetric, groupDemand, selectNode, type NodeUsage } from './feasibility.js';
import { type AllocMetric, type SimAlloc, type SimEval, nowNs } from './model.js';
import { reconcile, type GroupPlan, type GroupUpdates } from './reconcile.js';
import { canReschedule, rescheduleDelayNs } from './reschedule.js';
import { jobKey, type NomadStore } from './store.js';

export function newEval(job: Pick<Job, 'ID' | 'Namespace' | 'Priority' | 'Type' | 'JobModifyIndex'>, triggeredBy: string, status: SimEval['Status'] = 'pending'): SimEval {
  const now = nowNs();
  return {
    ID: randomUUID(), Namespace: job.Namespace ?? 'default', Priority: job.Priority ?? 50, Type: job.Type ?? 'service',
    TriggeredBy: triggeredBy, JobID: job.ID, JobModifyIndex: job.JobModifyIndex ?? 0, NodeID: '', NodeModifyIndex: 0,
    DeploymentID: '', Status: status, StatusDescription: '', Wait: 0, WaitUntil: null, NextEval: '', PreviousEval: '',
    BlockedEval: '', RelatedEvals: null, FailedTGAllocs: null, ClassEligibility: null, EscapedComputedClass: false,
    QuotaLimitReached: '', AnnotatePlan: false, QueuedAllocations: null, LeaderACL: '', SnapshotIndex: 0,
    CreateIndex: 0, ModifyIndex: 0, CreateTime: now, ModifyTime: now,
  };
}
export interface SchedulerClient {
  /** A new allocation to run. */
  start(alloc: SimAlloc): void;
  /** The server wants this allocation stopped. */
  stop(alloc: SimAlloc): void;
}

export interface Scheduler {
  enqueue(ev: SimEval): void;
  /** The dry run behind `/v1/job/:id/plan`. */
  plan(job: Job): { updates: Record<string, GroupUpdates>; failed: Record<string, AllocMetric> | null };
  capacityChanged(): void;
  stop(): void;
}
export function createScheduler(deps: { store: NomadStore; client: SchedulerClient; log: Logger }): Scheduler {
  const { store, client } = deps;
  const log = deps.log.child({ module: 'sim-scheduler' });
  const queue: SimEval[] = [];
  let running = false;
  let stopped = false;
  let capacityPending = false;

  const buildAlloc = (job: Job, tg: TaskGroup, index: number, ev: SimEval, node: SimAlloc['NodeID'], nodeName: string, ports: SimAlloc['ports'], previous: string): SimAlloc => {
    const demand = groupDemand(tg);
    const now = nowNs();
    const tasks: Record<string, unknown> = {};
    for (const t of tg.Tasks) {
      tasks[t.Name] = {
        Cpu: { CpuShares: t.Resources?.CPU ?? 100, ReservedCores: null },
        Memory: { MemoryMB: t.Resources?.MemoryMB ?? 300, MemoryMaxMB: t.Resources?.MemoryMaxMB ?? 0 },
        Networks: null,
        Devices: (t.Resources?.Devices ?? []).map((d) => ({ Vendor: 'nvidia', Type: 'gpu', Name: d.Name, DeviceIDs: Array.from({ length: d.Count ?? 1 }, (_, i) => `GPU-${i}`) })),
      };
    }
    return {
      ID: randomUUID(), Namespace: job.Namespace ?? 'default', EvalID: ev.ID, Name: `${job.ID}.${tg.Name}[${index}]`, NodeID: node, NodeName: nodeName,
      JobID: job.ID, Job: job, TaskGroup: tg.Name, index,
      AllocatedResources: {
        Tasks: tasks,
        TaskLifecycles: Object.fromEntries(tg.Tasks.map((t) => [t.Name, t.Lifecycle ?? null])),
        Shared: {
          DiskMB: tg.EphemeralDisk?.SizeMB ?? 300,
          Networks: ports.length === 0 ? null : [{ Mode: 'host', IP: ports[0]?.HostIP ?? '', ReservedPorts: null, DynamicPorts: null }],
          Ports: ports.length === 0 ? null : ports,
        },
      },
      ports, usage: { cpu: demand.cpu, memoryMb: demand.memoryMb, gpus: demand.gpus },
      DesiredStatus: 'run', DesiredDescription: '', ClientStatus: 'pending', ClientDescription: '', TaskStates: {},
      DeploymentStatus: null, PreviousAllocation: previous, NextAllocation: '', FollowupEvalID: '', RescheduleTracker: null,
      CreateIndex: 0, ModifyIndex: 0, AllocModifyIndex: 0, CreateTime: now, ModifyTime: now,
    };
  };

  /** Places what it can; returns the failure metrics of groups with leftovers and the queued counts. */
  const apply = (job: Job | undefined, ev: SimEval, plans: GroupPlan[], dryRun: boolean): { failed: Record<string, AllocMetric> | null; queued: Record<string, number> } => {
    const usage: Map<string, NodeUsage> = computeUsage(store.nodes, store.allocs.values());
    let failed: Record<string, AllocMetric> | null = null;
    const queued: Record<string, number> = {};
    for (const plan of plans) {
      queued[plan.group.Name] = 0;
      if (!dryRun) {
        for (const { alloc, reason } of plan.stop) {
          alloc.DesiredStatus = 'stop';
          alloc.DesiredDescription = reason;
          alloc.AllocModifyIndex = store.currentIndex() + 1;
          store.commitAlloc(alloc, 'AllocationUpdated');
          client.stop(alloc);
        }
        for (const alloc of plan.inPlace) {
          if (job === undefined) continue;
          alloc.Job = job;
          alloc.AllocModifyIndex = store.currentIndex() + 1;
          store.commitAlloc(alloc, 'AllocationUpdated');
        }
      }
      if (job === undefined || plan.place.length === 0) continue;
      // Stopping allocs free their cpu/memory for the planner right away (their ports stay held until they exit).
      for (const { alloc } of plan.stop) {
        const u = usage.get(alloc.NodeID);
        if (u !== undefined) {
          u.cpu -= alloc.usage.cpu;
          u.memoryMb -= alloc.usage.memoryMb;
          u.gpus -= alloc.usage.gpus;
          u.jobs.delete(`${alloc.Namespace}/${alloc.JobID}`);
          u.groups.delete(`${alloc.Namespace}/${alloc.JobID}/${alloc.TaskGroup}`);
        }
      }
      // Like Nomad, report the metric of the first failed placement and coalesce the rest.
      let metric: AllocMetric | undefined;
      let unplaced = 0;
      for (const index of plan.place) {
        const attempt = emptyMetric(store.nodes);
        const placement = selectNode(job, plan.group, store.nodes, usage, attempt);
        if (placement === undefined) {
          unplaced += 1;
          metric ??= attempt;
          continue;
        }
        const failed = plan.replacing.get(index);
        const previous = failed?.ID ?? plan.stop.find((s) => s.alloc.index === index)?.alloc.ID ?? '';
        const alloc = buildAlloc(job, plan.group, index, ev, placement.node.ID, placement.node.Name, placement.ports, previous);
        if (failed !== undefined) alloc.RescheduleTracker = { Events: [...(failed.RescheduleTracker?.Events ?? []), { RescheduleTime: nowNs(), PrevAllocID: failed.ID, PrevNodeID: failed.NodeID, Delay: rescheduleDelayNs(failed) }] };
        const u = usage.get(placement.node.ID);
        if (u !== undefined) addUsage(u, alloc);
        if (dryRun) continue;
        store.commitAlloc(alloc, 'AllocationCreated');
        if (failed !== undefined) {
          failed.NextAllocation = alloc.ID;
          store.commitAlloc(failed, 'AllocationUpdated');
        }
        client.start(alloc);
      }
      if (unplaced > 0 && metric !== undefined) {
        metric.CoalescedFailures = unplaced - 1;
        (failed ??= {})[plan.group.Name] = metric;
        queued[plan.group.Name] = unplaced;
      }
    }
    return { failed, queued };
  };

  const process = (ev: SimEval): void => {
    const key = jobKey(ev.Namespace, ev.JobID);
    const job = store.jobs.get(key);
    const allocs = store.allocsOfJob(key);
    const plans = reconcile(job, allocs, ev.ID);
    const wasBlocked = ev.Status === 'blocked';
    if (wasBlocked) {
      // Only retry when something can now be placed.
      const trial = apply(job, ev, plans, true);
      const toPlace = plans.reduce((n, p) => n + p.place.length, 0);
      const stillQueued = Object.values(trial.queued).reduce((n, q) => n + q, 0);
      if (toPlace > 0 && stillQueued === toPlace) return;
    }
    for (const other of store.evalsOfJob(key)) {
      if (other.Status === 'blocked' && other.ID !== ev.ID) {
        other.Status = 'canceled';
        other.StatusDescription = 'evaluation superseded by a newer evaluation';
        store.commitEval(other);
      }
    }
    const { failed, queued } = apply(job, ev, plans, false);
    if (failed !== null && !wasBlocked) {
      const blocked = newEval({ ID: ev.JobID, Namespace: ev.Namespace, Priority: ev.Priority, Type: ev.Type as Job['Type'] & string, JobModifyIndex: ev.JobModifyIndex }, 'queued-allocs', 'blocked');
      blocked.PreviousEval = ev.ID;
      blocked.StatusDescription = 'created to place remaining allocations';
      blocked.FailedTGAllocs = failed;
      blocked.ClassEligibility = Object.fromEntries(store.nodes.map((n) => [`v1:${n.NodeClass || 'default'}`, true]));
      store.commitEval(blocked);
      ev.BlockedEval = blocked.ID;
    }
    if (wasBlocked && failed !== null) {
      ev.FailedTGAllocs = failed;
      ev.QueuedAllocations = queued;
      store.commitEval(ev);
      store.refreshJobStatus(key);
      return;
    }
    ev.Status = 'complete';
    ev.FailedTGAllocs = wasBlocked ? null : failed;
    ev.QueuedAllocations = queued;
    store.commitEval(ev);
    store.refreshJobStatus(key);
  };

  const timers = new Set<NodeJS.Timeout>();
  // A failed allocation gets an `alloc-failure` evaluation after its reschedule delay, while its policy allows.
  store.onAllocCommit((a) => {
    if (stopped || a.ClientStatus !== 'failed' || a.DesiredStatus !== 'run' || a.FollowupEvalID !== '' || a.NextAllocation !== '') return;
    const job = store.jobs.get(jobKey(a.Namespace, a.JobID));
    if (job === undefined || job.Stop === true || job.Version !== a.Job.Version || !canReschedule(a)) return;
    const delayMs = rescheduleDelayNs(a) / 1e6;
    const ev = newEval(job, 'alloc-failure');
    ev.WaitUntil = new Date(Date.now() + delayMs).toISOString();
    ev.StatusDescription = 'created for delayed rescheduling';
    a.FollowupEvalID = ev.ID;
    queueMicrotask(() => {
      if (stopped) return;
      store.commitEval(ev);
      store.commitAlloc(a, 'AllocationUpdated');
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!stopped) {
          queue.push(ev);
          drain();
        }
      }, delayMs);
      timers.add(timer);
    });
  });

  const drain = (): void => {
    if (running || stopped) return;
    running = true;
    setImmediate(() => {
      try {
        const ev = queue.shift();
        if (ev !== undefined) process(ev);
      } catch (err) {
        log.error({ err }, 'evaluation failed');
      } finally {
        running = false;
        if (queue.length > 0) drain();
      }
    });
  };

  return {
    enqueue(ev) {
      queue.push(ev);
      drain();
    },
    plan(job) {
      const key = jobKey(job.Namespace ?? 'default', job.ID);
      const plans = reconcile(job, store.allocsOfJob(key));
      const { failed } = apply(job, newEval(job, 'job-register'), plans, true);
      return { updates: Object.fromEntries(plans.map((p) => [p.group.Name, p.updates])), failed };
    },
    capacityChanged() {
      if (capacityPending || stopped) return;
      capacityPending = true;
      setTimeout(() => {
        capacityPending = false;
        for (const ev of store.evals.values()) if (ev.Status === 'blocked' && !queue.includes(ev)) queue.push(ev);
        drain();
      }, 5);
    },
    stop() {
      stopped = true;
      queue.length = 0;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
