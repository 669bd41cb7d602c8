// The Nomad server's state: one raft-like index shared by jobs, evaluations,
// allocations and events; every write bumps it, wakes the blocking queries
// that read the changed object, and publishes the matching event.
import type { Job, JobStatus, ScalingEvent, StreamEvent } from '../../../agent/nomad/types.js';
import { createWatchHub, type WatchHub } from '../blocking.js';
import { createEventBroker, type EventBroker } from './events.js';
import { isTerminalAlloc, isTerminalClient, type SimAlloc, type SimEval, type SimNode } from './model.js';

export function jobKey(namespace: string, id: string): string {
  return `${namespace}/${id}`;
}

export interface NomadStore {
  readonly hub: WatchHub;
  readonly broker: EventBroker;
  readonly nodes: readonly SimNode[];
  readonly jobs: ReadonlyMap<string, Job>;
  readonly evals: ReadonlyMap<string, SimEval>;
  readonly allocs: ReadonlyMap<string, SimAlloc>;
  currentIndex(): number;
  tableIndex(table: 'jobs' | 'evals' | 'allocs' | 'nodes'): number;
  /** Highest index of anything a per-job query reads. */
  jobIndex(key: string, what: 'job' | 'allocs' | 'evals' | 'summary'): number;
  allocsOfJob(key: string): SimAlloc[];
  evalsOfJob(key: string): SimEval[];
  scalingEvents(key: string): Record<string, ScalingEvent[]>;
  nextIndex(): number;
  commitJob(job: Job, eventType: 'JobRegistered' | 'JobDeregistered', index?: number): number;
  purgeJob(job: Job): number;
  commitEval(ev: SimEval): number;
  commitAlloc(alloc: SimAlloc, eventType: 'AllocationCreated' | 'AllocationUpdated' | 'AllocationUpdateDesiredStatus'): number;
  addScalingEvent(key: string, group: string, event: ScalingEvent): void;
  /** Recomputes Job.Status from its allocs and evals, committing a change. */
  refreshJobStatus(key: string): void;
  /** Listeners told after every alloc commit (client side, capacity watchers). */
  onAllocCommit(listener: (alloc: SimAlloc) => void): void;
}

export function createNomadStore(nodes: readonly SimNode[], startIndex: number): NomadStore {
  const hub = createWatchHub();
  const broker = createEventBroker();
  let index = startIndex;
  const tables = { jobs: startIndex, evals: startIndex, allocs: startIndex, nodes: startIndex };
  const jobs = new Map<string, Job>();
  const evals = new Map<string, SimEval>();
  const allocs = new Map<string, SimAlloc>();
  const allocsByJob = new Map<string, Map<string, SimAlloc>>();
  const evalsByJob = new Map<string, Map<string, SimEval>>();
  const perJob = new Map<string, { job: number; allocs: number; evals: number }>();
  const scaling = new Map<string, Record<string, ScalingEvent[]>>();
  const allocListeners: Array<(a: SimAlloc) => void> = [];

  const bumpJob = (key: string, what: 'job' | 'allocs' | 'evals', idx: number): void => {
    let entry = perJob.get(key);
    if (entry === undefined) {
      entry = { job: 0, allocs: 0, evals: 0 };
      perJob.set(key, entry);
    }
    entry[what] = idx;
    hub.notify(`${what}:${key}`);
  };
  const addTo = <T>(m: Map<string, Map<string, T>>, key: string, id: string, v: T): void => {
    let inner = m.get(key);
    if (inner === undefined) {
      inner = new Map();
      m.set(key, inner);
    }
    inner.set(id, v);
  };
  const publish = (idx: number, event: Omit<StreamEvent, 'Index'>): void => broker.publish(idx, [{ ...event, Index: idx }]);

  const store: NomadStore = {
    hub,
    broker,
    nodes,
    jobs,
    evals,
    allocs,
    currentIndex: () => index,
    tableIndex: (t) => tables[t],
    jobIndex(key, what) {
      const e = perJob.get(key);
      if (e === undefined) return tables.jobs;
      if (what === 'summary') return Math.max(e.job, e.allocs);
      return Math.max(e[what], e.job);
    },
    allocsOfJob: (key) => [...(allocsByJob.get(key)?.values() ?? [])],
    evalsOfJob: (key) => [...(evalsByJob.get(key)?.values() ?? [])],
    scalingEvents: (key) => scaling.get(key) ?? {},
    nextIndex: () => (index += 1),
    commitJob(job, eventType, given) {
      const idx = given ?? store.nextIndex();
      const key = jobKey(job.Namespace ?? 'default', job.ID);
      job.ModifyIndex = idx;
      jobs.set(key, job);
      tables.jobs = idx;
      bumpJob(key, 'job', idx);
      hub.notify('jobs');
      publish(idx, { Topic: 'Job', Type: eventType, Key: job.ID, Namespace: job.Namespace ?? 'default', FilterKeys: null, Payload: { Job: job } });
      return idx;
    },
    purgeJob(job) {
      const idx = store.nextIndex();
      const key = jobKey(job.Namespace ?? 'default', job.ID);
      jobs.delete(key);
      scaling.delete(key);
      tables.jobs = idx;
      bumpJob(key, 'job', idx);
      hub.notify('jobs');
      publish(idx, { Topic: 'Job', Type: 'JobDeregistered', Key: job.ID, Namespace: job.Namespace ?? 'default', FilterKeys: null, Payload: { Job: job, Deleted: true } });
      return idx;
    },
    commitEval(ev) {
      const idx = store.nextIndex();
      if (ev.CreateIndex === 0) ev.CreateIndex = idx;
      ev.ModifyIndex = idx;
      ev.ModifyTime = Date.now() * 1e6;
      evals.set(ev.ID, ev);
      const key = jobKey(ev.Namespace, ev.JobID);
      addTo(evalsByJob, key, ev.ID, ev);
      tables.evals = idx;
      bumpJob(key, 'evals', idx);
      hub.notify('evals');
      hub.notify(`eval:${ev.ID}`);
      publish(idx, { Topic: 'Evaluation', Type: 'EvaluationUpdated', Key: ev.ID, Namespace: ev.Namespace, FilterKeys: [ev.JobID, ev.DeploymentID], Payload: { Evaluation: ev } });
      return idx;
    },
    commitAlloc(alloc, eventType) {
      const idx = store.nextIndex();
      if (alloc.CreateIndex === 0) alloc.CreateIndex = idx;
      alloc.ModifyIndex = idx;
      alloc.ModifyTime = Date.now() * 1e6;
      allocs.set(alloc.ID, alloc);
      const key = jobKey(alloc.Namespace, alloc.JobID);
      addTo(allocsByJob, key, alloc.ID, alloc);
      tables.allocs = idx;
      bumpJob(key, 'allocs', idx);
      hub.notify('allocs');
      hub.notify(`alloc:${alloc.ID}`);
      const { Job: _job, ...withoutJob } = alloc;
      publish(idx, { Topic: 'Allocation', Type: eventType, Key: alloc.ID, Namespace: alloc.Namespace, FilterKeys: [alloc.JobID, ''], Payload: { Allocation: allocWire(withoutJob) } });
      for (const l of allocListeners) l(alloc);
      return idx;
    },
    addScalingEvent(key, group, event) {
      let byGroup = scaling.get(key);
      if (byGroup === undefined) {
        byGroup = {};
        scaling.set(key, byGroup);
      }
      // Newest first, as Nomad keeps them.
      (byGroup[group] ??= []).unshift(event);
      byGroup[group]?.splice(20);
      bumpJob(key, 'job', event.CreateIndex);
    },
    refreshJobStatus(key) {
      const job = jobs.get(key);
      if (job === undefined) return;
      const status = computeJobStatus(job, store.allocsOfJob(key), store.evalsOfJob(key));
      if (status !== job.Status) {
        job.Status = status;
        store.commitJob(job, 'JobRegistered');
      }
    },
    onAllocCommit(listener) {
      allocListeners.push(listener);
    },
  };
  return store;
}

/** Nomad's getJobStatus: running with a live alloc, pending with a live eval, otherwise dead (periodic/parameterized stay running). */
export function computeJobStatus(job: Job, allocs: readonly SimAlloc[], evals: readonly SimEval[]): JobStatus {
  const extra = job as unknown as { Periodic?: unknown; ParameterizedJob?: unknown };
  if ((job.Type === 'system' || extra.Periodic != null || extra.ParameterizedJob != null) && job.Stop !== true) return 'running';
  if (allocs.some((a) => !isTerminalClient(a.ClientStatus) && !(a.DesiredStatus !== 'run' && a.ClientStatus === 'pending'))) return 'running';
  if (evals.some((e) => e.Status === 'pending' || e.Status === 'blocked')) return 'pending';
  if (allocs.length === 0 && evals.length === 0) return 'pending';
  return allocs.some((a) => !isTerminalAlloc(a)) ? 'running' : 'dead';
}

/** An allocation as the API prints it (internal fields dropped). */
export function allocWire(a: Omit<SimAlloc, 'Job'> & { Job?: Job }): Record<string, unknown> {
  const { index: _i, ports: _p, usage: _u, ...rest } = a;
  return rest;
}
