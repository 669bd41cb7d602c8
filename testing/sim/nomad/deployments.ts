// Deployments, as far as hearth depends on them: a new version of a service
// job that places allocations (a spec change, or a count that grows) starts a
// deployment; a newer version or a stop cancels the running one; it succeeds
// once every group has its count of healthy running allocations for the
// group's MinHealthyTime, and fails when one of its allocations fails. While
// one runs, a scale is refused (400 "job scaling blocked due to active
// deployment"), which is what real Nomad does; a register is not refused and
// cancels it. No canaries, no pacing
// (MaxParallel), no auto-revert, no deadlines.
import { randomUUID } from 'node:crypto';
import type { Job } from '../../../agent/nomad/types.js';
import { blockUntilChanged, parseBlocking } from '../blocking.js';
import { SimHttpError, type Route, type SimRequest } from '../http.js';
import type { SimAlloc } from './model.js';
import { jobKey, type NomadStore } from './store.js';

interface GroupState {
  AutoRevert: boolean;
  AutoPromote: boolean;
  Promoted: boolean;
  DesiredCanaries: number;
  PlacedCanaries: null;
  DesiredTotal: number;
  PlacedAllocs: number;
  HealthyAllocs: number;
  UnhealthyAllocs: number;
  ProgressDeadline: number;
  RequireProgressBy: string;
}

export interface SimDeployment {
  ID: string;
  Namespace: string;
  JobID: string;
  JobVersion: number;
  JobModifyIndex: number;
  JobSpecModifyIndex: number;
  JobCreateIndex: number;
  Status: 'running' | 'successful' | 'failed' | 'cancelled';
  StatusDescription: string;
  TaskGroups: Record<string, GroupState>;
  EvalPriority: number;
  IsMultiregion: boolean;
  CreateIndex: number;
  ModifyIndex: number;
  CreateTime: number;
  ModifyTime: number;
}

export interface SimDeployments {
  /** A job version was stored (register or scale); may start a deployment and cancels the running one. */
  versionStored(previous: Job | undefined, next: Job, specChanged: boolean): void;
  /** The job was stopped or purged. */
  jobStopped(namespace: string, jobId: string): void;
  /** The running deployment of a job, if any. */
  active(namespace: string, jobId: string): SimDeployment | undefined;
  routes(): Route[];
  stop(): void;
}

const LIMITS = { defaultMs: 300_000, maxMs: 300_000 };
const nowNs = (): number => Date.now() * 1_000_000;

function updateOf(job: Job, group: string): { MaxParallel: number; MinHealthyTime: number; AutoRevert: boolean; ProgressDeadline: number } {
  const u = (job.TaskGroups.find((g) => g.Name === group)?.Update ?? {}) as Record<string, unknown>;
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  return { MaxParallel: num(u.MaxParallel), MinHealthyTime: num(u.MinHealthyTime), AutoRevert: u.AutoRevert === true, ProgressDeadline: num(u.ProgressDeadline) };
}

export function createSimDeployments(store: NomadStore, options: { enabled: boolean }): SimDeployments {
  const byId = new Map<string, SimDeployment>();
  const byJob = new Map<string, SimDeployment[]>();
  const indexes = new Map<string, number>();
  let tableIndex = 1;
  const timers = new Set<NodeJS.Timeout>();
  /** When each group of a running deployment first had all its healthy allocations. */
  const healthySince = new Map<string, Map<string, number>>();

  const commit = (d: SimDeployment): void => {
    const idx = store.nextIndex();
    if (d.CreateIndex === 0) d.CreateIndex = idx;
    d.ModifyIndex = idx;
    d.ModifyTime = nowNs();
    const key = jobKey(d.Namespace, d.JobID);
    indexes.set(key, idx);
    tableIndex = idx;
    store.hub.notify(`deployments:${key}`);
    store.hub.notify('deployments');
    store.broker.publish(idx, [{ Topic: 'Deployment', Type: 'DeploymentStatusUpdate', Key: d.ID, Namespace: d.Namespace, FilterKeys: [d.JobID], Index: idx, Payload: { Deployment: d } }]);
  };

  const finish = (d: SimDeployment, status: SimDeployment['Status'], description: string): void => {
    if (d.Status !== 'running') return;
    d.Status = status;
    d.StatusDescription = description;
    healthySince.delete(d.ID);
    commit(d);
  };

  const groupAllocs = (d: SimDeployment, group: string): SimAlloc[] =>
    store.allocsOfJob(jobKey(d.Namespace, d.JobID)).filter((a) => a.TaskGroup === group);

  const evaluate = (d: SimDeployment): void => {
    if (d.Status !== 'running') return;
    const job = store.jobs.get(jobKey(d.Namespace, d.JobID));
    if (job === undefined) return;
    let changed = false;
    let allHealthy = true;
    let waitMs = 0;
    const since = healthySince.get(d.ID) ?? new Map<string, number>();
    healthySince.set(d.ID, since);
    for (const [group, state] of Object.entries(d.TaskGroups)) {
      const mine = groupAllocs(d, group).filter((a) => a.CreateIndex >= d.CreateIndex || a.DesiredStatus === 'run');
      const live = mine.filter((a) => a.DesiredStatus === 'run');
      const healthy = live.filter((a) => a.ClientStatus === 'running' && a.DeploymentStatus?.Healthy === true).length;
      const unhealthy = mine.filter((a) => a.CreateIndex >= d.CreateIndex && (a.ClientStatus === 'failed' || a.ClientStatus === 'lost')).length;
      const placed = mine.filter((a) => a.CreateIndex >= d.CreateIndex).length;
      if (state.HealthyAllocs !== healthy || state.UnhealthyAllocs !== unhealthy || state.PlacedAllocs !== placed) {
        state.HealthyAllocs = healthy;
        state.UnhealthyAllocs = unhealthy;
        state.PlacedAllocs = placed;
        changed = true;
      }
      if (unhealthy > 0) {
        finish(d, 'failed', 'Failed due to unhealthy allocations');
        return;
      }
      if (healthy < state.DesiredTotal) {
        since.delete(group);
        allHealthy = false;
        continue;
      }
      const first = since.get(group) ?? Date.now();
      since.set(group, first);
      const minHealthyMs = updateOf(job, group).MinHealthyTime / 1e6;
      waitMs = Math.max(waitMs, first + minHealthyMs - Date.now());
    }
    if (allHealthy && waitMs <= 0) {
      finish(d, 'successful', 'Deployment completed successfully');
      return;
    }
    if (changed) commit(d);
    if (allHealthy) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        evaluate(d);
      }, waitMs + 5);
      timers.add(timer);
    }
  };

  store.onAllocCommit((alloc) => {
    for (const d of byJob.get(jobKey(alloc.Namespace, alloc.JobID)) ?? []) evaluate(d);
  });

  const activeOf = (key: string): SimDeployment | undefined => (byJob.get(key) ?? []).find((d) => d.Status === 'running');

  const view = (d: SimDeployment): SimDeployment => structuredClone(d);

  const blockingList = async (req: SimRequest, keys: string[], readIndex: () => number, body: () => unknown) => {
    const params = parseBlocking(req.query, LIMITS);
    await blockUntilChanged({ hub: store.hub, keys, readIndex, params, signal: req.signal });
    return { kind: 'json' as const, body: body(), headers: { 'X-Nomad-Index': String(Math.max(1, readIndex())), 'X-Nomad-LastContact': '0', 'X-Nomad-KnownLeader': 'true' } };
  };
  const namespaceOf = (req: SimRequest): string => {
    const ns = req.query.get('namespace');
    return ns === null || ns === '' ? 'default' : ns;
  };

  return {
    versionStored(previous, next, specChanged) {
      if (!options.enabled || next.Type !== 'service' || next.Stop === true) return;
      const key = jobKey(next.Namespace ?? 'default', next.ID);
      const groups: Record<string, GroupState> = {};
      let places = false;
      for (const g of next.TaskGroups) {
        const update = updateOf(next, g.Name);
        if (update.MaxParallel <= 0) continue;
        const count = g.Count ?? 1;
        const before = previous?.TaskGroups.find((p) => p.Name === g.Name)?.Count ?? 0;
        if (count > 0 && (specChanged || count > before)) places = true;
        groups[g.Name] = {
          AutoRevert: update.AutoRevert, AutoPromote: false, Promoted: false, DesiredCanaries: 0, PlacedCanaries: null,
          DesiredTotal: count, PlacedAllocs: 0, HealthyAllocs: 0, UnhealthyAllocs: 0, ProgressDeadline: update.ProgressDeadline,
          RequireProgressBy: new Date(Date.now() + update.ProgressDeadline / 1e6).toISOString(),
        };
      }
      // Nomad's reconciler cancels a deployment of an older version whatever the new one places (a count of 0 included).
      const running = activeOf(key);
      if (running !== undefined && running.JobVersion !== (next.Version ?? 0)) finish(running, 'cancelled', 'Cancelled due to newer version of job');
      if (!places || Object.keys(groups).length === 0) return;
      const d: SimDeployment = {
        ID: randomUUID(), Namespace: next.Namespace ?? 'default', JobID: next.ID, JobVersion: next.Version ?? 0,
        JobModifyIndex: next.JobModifyIndex ?? 0, JobSpecModifyIndex: next.JobModifyIndex ?? 0, JobCreateIndex: next.CreateIndex ?? 0,
        Status: 'running', StatusDescription: 'Deployment is running', TaskGroups: groups, EvalPriority: next.Priority ?? 50,
        IsMultiregion: false, CreateIndex: 0, ModifyIndex: 0, CreateTime: nowNs(), ModifyTime: 0,
      };
      byId.set(d.ID, d);
      const list = byJob.get(key) ?? [];
      list.unshift(d);
      byJob.set(key, list);
      commit(d);
    },
    jobStopped(namespace, jobId) {
      const running = activeOf(jobKey(namespace, jobId));
      if (running !== undefined) finish(running, 'cancelled', 'Cancelled because job is stopped');
    },
    active: (namespace, jobId) => activeOf(jobKey(namespace, jobId)),
    routes: () => [
      { methods: ['GET'], pattern: '/v1/job/:id/deployments', handler: (req) => {
        const key = jobKey(namespaceOf(req), req.params.id ?? '');
        return blockingList(req, [`deployments:${key}`], () => indexes.get(key) ?? 1, () => (byJob.get(key) ?? []).map(view));
      } },
      { methods: ['GET'], pattern: '/v1/job/:id/deployment', handler: (req) => {
        const key = jobKey(namespaceOf(req), req.params.id ?? '');
        return blockingList(req, [`deployments:${key}`], () => indexes.get(key) ?? 1, () => {
          const latest = byJob.get(key)?.[0];
          return latest === undefined ? null : view(latest);
        });
      } },
      { methods: ['GET'], pattern: '/v1/deployments', handler: (req) => blockingList(req, ['deployments'], () => tableIndex, () =>
        [...byId.values()].filter((d) => namespaceOf(req) === '*' || d.Namespace === namespaceOf(req)).sort((a, b) => b.CreateIndex - a.CreateIndex).map(view)) },
      { methods: ['GET'], pattern: '/v1/deployment/:id', handler: (req) => {
        const d = byId.get(req.params.id ?? '');
        if (d === undefined) throw new SimHttpError(404, 'deployment not found');
        return { kind: 'json', body: view(d) };
      } },
    ],
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
