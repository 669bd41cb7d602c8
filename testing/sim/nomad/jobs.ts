// Job writes: register (with EnforceIndex, PreserveCounts and the
// "unchanged spec keeps its version" rule), plan, deregister/purge and scale.
import { randomUUID } from 'node:crypto';
import type { Job, JobDeregisterResponse, JobRegisterResponse, PlanResponse } from '../../../agent/nomad/types.js';
import { SimHttpError } from '../http.js';
import { isRecord, normalizeKeys } from '../keys.js';
import { canonicalizeJob } from './canonicalize.js';
import { diffJobs, SERVER_FIELDS } from './diff.js';
import { NOMAD_KEYS } from './keys.js';
import { nowNs } from './model.js';
import { newEval, type Scheduler } from './scheduler.js';
import { jobKey, type NomadStore } from './store.js';
import type { SimDeployments } from './deployments.js';
import { formatMultiError, validateJob } from './validate.js';

export interface WriteScope {
  readonly namespace?: string;
  readonly region?: string;
}

export interface JobWrites {
  register(body: unknown, pathId: string | undefined, scope: WriteScope): JobRegisterResponse;
  plan(body: unknown, pathId: string, scope: WriteScope): PlanResponse;
  validate(body: unknown, scope: WriteScope): { DriverConfigValidated: boolean; ValidationErrors: string[] | null; Error: string; Warnings: string };
  deregister(namespace: string, id: string, purge: boolean): JobDeregisterResponse;
  scale(namespace: string, id: string, body: unknown): JobRegisterResponse;
}

function meta(index: number): { Index: number; LastContact: number; KnownLeader: boolean; NextToken: string } {
  return { Index: index, LastContact: 0, KnownLeader: true, NextToken: '' };
}

/** The job without server-set fields, for "did the spec change". */
function specOf(job: Job): string {
  const strip = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([k]) => !SERVER_FIELDS.has(k)));
  const groups = job.TaskGroups.map((g) => ({ ...g, Scaling: g.Scaling == null ? null : { ...g.Scaling, ID: '', CreateIndex: 0, ModifyIndex: 0 } }));
  return JSON.stringify({ ...strip(job as unknown as Record<string, unknown>), TaskGroups: groups });
}

export function createJobWrites(deps: { store: NomadStore; scheduler: Scheduler; region: string; namespaceExists: (name: string) => boolean; deployments: SimDeployments }): JobWrites {
  const { store, scheduler } = deps;

  const decodeJob = (body: unknown, pathId: string | undefined, scope: WriteScope): { job: Job; request: Record<string, unknown> } => {
    const request = normalizeKeys(body, NOMAD_KEYS);
    if (!isRecord(request) || !isRecord(request.Job)) throw new SimHttpError(400, 'Job must be specified');
    const raw = request.Job;
    if (typeof raw.ID !== 'string' || raw.ID === '') throw new SimHttpError(400, "Job ID hasn't been provided");
    if (pathId !== undefined && raw.ID !== pathId) throw new SimHttpError(400, 'Job ID does not match name');
    if (raw.Type === 'system' && Array.isArray(raw.TaskGroups) && raw.TaskGroups.some((g) => isRecord(g) && g.Scaling != null)) {
      throw new SimHttpError(400, 'Task groups with job type system do not support scaling blocks');
    }
    const prio = request.EvalPriority;
    if (typeof prio === 'number' && prio !== 0 && (prio < 1 || prio > 100)) throw new SimHttpError(400, 'Eval priority must be between 1 and 100 inclusively');
    const namespace = scope.namespace ?? (typeof request.Namespace === 'string' && request.Namespace !== '' ? request.Namespace : undefined);
    const job = canonicalizeJob(raw, { region: scope.region ?? deps.region, ...(namespace !== undefined ? { namespace } : {}) });
    const ns = job.Namespace ?? 'default';
    const errors = [...validateJob(job), ...(deps.namespaceExists(ns) ? [] : [`job "${job.ID}" is in nonexistent namespace "${ns}"`])];
    if (errors.length > 0) throw new SimHttpError(500, formatMultiError(errors));
    return { job, request };
  };

  const enqueueEval = (job: Job, triggeredBy: string): { id: string; index: number } => {
    const ev = newEval(job, triggeredBy);
    const index = store.commitEval(ev);
    scheduler.enqueue(ev);
    return { id: ev.ID, index };
  };

  const assignScalingIds = (job: Job, previous: Job | undefined, index: number): void => {
    for (const g of job.TaskGroups) {
      if (g.Scaling == null) continue;
      const s = g.Scaling as Record<string, unknown>;
      const prior = previous?.TaskGroups.find((p) => p.Name === g.Name)?.Scaling as Record<string, unknown> | undefined;
      s.ID = typeof prior?.ID === 'string' && prior.ID !== '' ? prior.ID : randomUUID();
      s.CreateIndex = typeof prior?.CreateIndex === 'number' ? prior.CreateIndex : index;
      s.ModifyIndex = index;
    }
  };

  /** Stores a new version of a job and returns its index. */
  const storeVersion = (job: Job, previous: Job | undefined, eventType: 'JobRegistered' | 'JobDeregistered' = 'JobRegistered'): number => {
    const index = store.nextIndex();
    job.Version = previous === undefined ? 0 : (previous.Version ?? 0) + 1;
    job.CreateIndex = previous?.CreateIndex ?? index;
    job.JobModifyIndex = index;
    job.SubmitTime = nowNs();
    job.Status = previous?.Status ?? 'pending';
    job.Stable = false;
    assignScalingIds(job, previous, index);
    store.commitJob(job, eventType, index);
    return index;
  };

  const requireJob = (namespace: string, id: string): Job => {
    const job = store.jobs.get(jobKey(namespace, id));
    if (job === undefined) throw new SimHttpError(404, 'job not found');
    return job;
  };

  return {
    register(body, pathId, scope) {
      const { job, request } = decodeJob(body, pathId, scope);
      const key = jobKey(job.Namespace ?? 'default', job.ID);
      const existing = store.jobs.get(key);
      if (request.EnforceIndex === true) {
        const want = typeof request.JobModifyIndex === 'number' ? request.JobModifyIndex : 0;
        if (want === 0 && existing !== undefined) throw new SimHttpError(500, `Enforcing job modify index 0: job already exists`);
        if (want !== 0 && existing === undefined) throw new SimHttpError(500, `Enforcing job modify index ${want}: job does not exist`);
        if (want !== 0 && existing !== undefined && existing.JobModifyIndex !== want) {
          throw new SimHttpError(500, `Enforcing job modify index ${want}: job exists with conflicting job modify index: ${existing.JobModifyIndex}`);
        }
      }
      if (request.PreserveCounts === true && existing !== undefined) {
        for (const g of job.TaskGroups) {
          const prior = existing.TaskGroups.find((p) => p.Name === g.Name);
          if (prior?.Count !== undefined) g.Count = prior.Count;
        }
      }
      let jobModifyIndex: number;
      if (existing !== undefined && specOf(existing) === specOf(job)) {
        // Every register is a write: the job's modify index moves, its version does not.
        jobModifyIndex = store.nextIndex();
        existing.JobModifyIndex = jobModifyIndex;
        store.commitJob(existing, 'JobRegistered', jobModifyIndex);
      } else {
        jobModifyIndex = storeVersion(job, existing);
        deps.deployments.versionStored(existing, job, true);
      }
      const current = store.jobs.get(key) ?? job;
      const ev = enqueueEval(current, 'job-register');
      return { EvalID: ev.id, EvalCreateIndex: ev.index, JobModifyIndex: jobModifyIndex, Warnings: '', ...meta(ev.index) };
    },

    plan(body, pathId, scope) {
      const { job, request } = decodeJob(body, pathId, scope);
      const existing = store.jobs.get(jobKey(job.Namespace ?? 'default', job.ID));
      const planned = existing !== undefined && specOf(existing) === specOf(job) ? existing : { ...job, Version: (existing?.Version ?? -1) + 1 };
      const { updates, failed } = scheduler.plan(planned);
      const desired = Object.fromEntries(Object.entries(updates).map(([g, u]) => [g, u as unknown as Record<string, number>]));
      return {
        Annotations: { DesiredTGUpdates: desired, PreemptedAllocs: null },
        Diff: request.Diff === true ? diffJobs(existing, job, desired) : null,
        FailedTGAllocs: failed,
        JobModifyIndex: existing?.JobModifyIndex ?? 0,
        CreatedEvals: null,
        NextPeriodicLaunch: '0001-01-01T00:00:00Z',
        Warnings: '',
        Index: store.currentIndex(),
      } as PlanResponse;
    },

    validate(body, scope) {
      try {
        decodeJob(body, undefined, scope);
        return { DriverConfigValidated: true, ValidationErrors: null, Error: '', Warnings: '' };
      } catch (err) {
        if (!(err instanceof SimHttpError) || err.status !== 500) throw err;
        const lines = err.message.split('\n').filter((l) => l.startsWith('\t* ')).map((l) => l.slice(3));
        return { DriverConfigValidated: false, ValidationErrors: lines, Error: err.message, Warnings: '' };
      }
    },

    deregister(namespace, id, purge) {
      const job = requireJob(namespace, id);
      deps.deployments.jobStopped(namespace, id);
      let jobModifyIndex: number;
      if (purge) {
        jobModifyIndex = store.purgeJob(job);
      } else {
        const stopped: Job = structuredClone(job);
        stopped.Stop = true;
        jobModifyIndex = storeVersion(stopped, job, 'JobDeregistered');
      }
      const ev = enqueueEval({ ...job, JobModifyIndex: jobModifyIndex }, 'job-deregister');
      return { EvalID: ev.id, EvalCreateIndex: ev.index, JobModifyIndex: jobModifyIndex, VolumeEvalID: '', VolumeEvalIndex: 0, ...meta(ev.index) };
    },

    scale(namespace, id, body) {
      const job = requireJob(namespace, id);
      const req = normalizeKeys(body ?? {}, NOMAD_KEYS);
      if (!isRecord(req)) throw new SimHttpError(400, 'Request body is empty');
      const target = isRecord(req.Target) ? req.Target : {};
      const group = typeof target.Group === 'string' ? target.Group : '';
      if (group === '') throw new SimHttpError(400, 'missing task group name for scaling action');
      if (typeof target.Job === 'string' && target.Job !== '' && target.Job !== id) throw new SimHttpError(400, 'job ID in payload did not match URL');
      if (typeof target.Namespace === 'string' && target.Namespace !== '' && target.Namespace !== namespace) throw new SimHttpError(400, 'namespace in payload did not match header/query');
      const count = typeof req.Count === 'number' ? req.Count : null;
      if (req.Count !== undefined && req.Count !== null && typeof req.Count !== 'number') throw new SimHttpError(400, 'scaling action count must be a number');
      if (count !== null && count < 0) throw new SimHttpError(400, "scaling action count can't be negative");
      if (count !== null && req.Error === true) throw new SimHttpError(400, 'scaling action should not contain count if error is true');
      const tg = job.TaskGroups.find((g) => g.Name === group);
      if (tg === undefined) throw new SimHttpError(400, `task group ${JSON.stringify(group)} specified for scaling does not exist in job`);
      if (job.Type === 'system' && count !== null && count > 1) throw new SimHttpError(400, 'jobs of type system may only be scaled to 0 or 1');
      if (count !== null && tg.Scaling != null) {
        const min = tg.Scaling.Min ?? 0;
        if (count < min) throw new SimHttpError(400, `group count was less than scaling policy minimum: ${count} < ${min}`);
        if (typeof tg.Scaling.Max === 'number' && count > tg.Scaling.Max) throw new SimHttpError(400, `group count was greater than scaling policy maximum: ${count} > ${tg.Scaling.Max}`);
      }
      const enforce = typeof req.JobModifyIndex === 'number' ? req.JobModifyIndex : 0;
      if (enforce > 0 && enforce !== job.JobModifyIndex) {
        throw new SimHttpError(500, `Enforcing job modify index ${enforce}: job exists with conflicting job modify index: ${job.JobModifyIndex}`);
      }
      if (count !== null && deps.deployments.active(namespace, id) !== undefined) throw new SimHttpError(400, 'job scaling blocked due to active deployment');
      const previousCount = tg.Count ?? 0;
      let evalId: string | null = null;
      let evalIndex = 0;
      let jobModifyIndex = job.JobModifyIndex ?? 0;
      if (count !== null) {
        const next: Job = structuredClone(job);
        const ng = next.TaskGroups.find((g) => g.Name === group);
        if (ng !== undefined) ng.Count = count;
        jobModifyIndex = storeVersion(next, job);
        deps.deployments.versionStored(job, next, false);
        const ev = enqueueEval(next, 'job-scaling');
        evalId = ev.id;
        evalIndex = ev.index;
      }
      const eventIndex = store.nextIndex();
      store.addScalingEvent(jobKey(namespace, id), group, {
        Count: count, PreviousCount: previousCount, Message: typeof req.Message === 'string' ? req.Message : '', Error: req.Error === true,
        Meta: isRecord(req.Meta) ? req.Meta : null, EvalID: evalId, Time: nowNs(), CreateIndex: eventIndex,
      });
      return { EvalID: evalId ?? '', EvalCreateIndex: evalIndex, JobModifyIndex: jobModifyIndex, Warnings: '', ...meta(eventIndex) };
    },
  };
}
