// /v1/jobs and /v1/job/:id: list, read, register, plan, validate, stop, scale,
// and the job's allocations and evaluations.
import { invalidInput } from '../errors.js';
import type { CallOptions, NomadConnection, ReadOptions } from './connection.js';
import type {
  AllocationListStub,
  Evaluation,
  Job,
  JobDeregisterResponse,
  JobListStub,
  JobRegisterRequest,
  JobRegisterResponse,
  JobScaleStatus,
  JobSummary,
  JobValidateResponse,
  PlanResponse,
  QueryResult,
  ScalingRequest,
} from './types.js';

export interface RegisterOptions extends CallOptions {
  /** Register only if the job's modify index is `jobModifyIndex` (0: only if the job is new). */
  readonly enforceIndex?: boolean;
  readonly jobModifyIndex?: number;
  /** Keep the running group counts (`nomad job run -preserve-counts`). */
  readonly preserveCounts?: boolean;
  readonly policyOverride?: boolean;
}

export interface ScaleOptions extends CallOptions {
  readonly group: string;
  /** The new count; null records a scaling event (message/error) without changing the job. */
  readonly count: number | null;
  readonly message?: string;
  readonly meta?: Record<string, unknown>;
  readonly jobModifyIndex?: number;
}

export interface JobsApi {
  list(options?: ReadOptions & { readonly prefix?: string }): Promise<QueryResult<JobListStub[]>>;
  read(id: string, options?: ReadOptions): Promise<QueryResult<Job>>;
  register(job: Job, options?: RegisterOptions): Promise<JobRegisterResponse>;
  plan(job: Job, options?: CallOptions & { readonly diff?: boolean; readonly policyOverride?: boolean }): Promise<PlanResponse>;
  validate(job: Job, options?: CallOptions): Promise<JobValidateResponse>;
  deregister(id: string, options?: CallOptions & { readonly purge?: boolean; readonly global?: boolean }): Promise<JobDeregisterResponse>;
  summary(id: string, options?: ReadOptions): Promise<QueryResult<JobSummary>>;
  scaleStatus(id: string, options?: ReadOptions): Promise<QueryResult<JobScaleStatus>>;
  scale(id: string, options: ScaleOptions): Promise<JobRegisterResponse>;
  allocations(id: string, options?: ReadOptions & { readonly all?: boolean }): Promise<QueryResult<AllocationListStub[]>>;
  evaluations(id: string, options?: ReadOptions): Promise<QueryResult<Evaluation[]>>;
}

/** The JobRegisterRequest body PUT to /v1/jobs. */
export function buildRegisterRequest(job: Job, options: RegisterOptions = {}): JobRegisterRequest {
  const body: JobRegisterRequest = { Job: job };
  if (options.enforceIndex === true) {
    body.EnforceIndex = true;
    body.JobModifyIndex = options.jobModifyIndex ?? 0;
  }
  if (options.preserveCounts === true) body.PreserveCounts = true;
  if (options.policyOverride === true) body.PolicyOverride = true;
  return body;
}

/** The ScalingRequest body POSTed to /v1/job/:id/scale; a null count is left out (an event without a change). */
export function buildScalingRequest(id: string, options: ScaleOptions): ScalingRequest {
  if (options.group === '') throw invalidInput('group', 'a task group name', options.group, 'the scale request');
  if (options.count !== null && (!Number.isInteger(options.count) || options.count < 0)) {
    throw invalidInput('count', 'a non-negative integer or null', options.count, 'the scale request');
  }
  const body: ScalingRequest = { Target: { Job: id, Group: options.group } };
  if (options.count !== null) body.Count = options.count;
  if (options.message !== undefined) body.Message = options.message;
  if (options.meta !== undefined) body.Meta = options.meta;
  if (options.jobModifyIndex !== undefined) body.JobModifyIndex = options.jobModifyIndex;
  return body;
}

function jobPath(id: string, suffix = ''): string {
  return `/v1/job/${encodeURIComponent(id)}${suffix}`;
}

export function createJobsApi(conn: NomadConnection): JobsApi {
  return {
    list: (options = {}) => conn.read('/v1/jobs', options, { prefix: options.prefix }),
    read: (id, options = {}) => conn.read(jobPath(id), options),
    register: (job, options = {}) => conn.write('PUT', '/v1/jobs', buildRegisterRequest(job, options), options),
    plan: (job, options = {}) =>
      conn.write('POST', jobPath(job.ID, '/plan'), {
        Job: job,
        Diff: options.diff ?? true,
        ...(options.policyOverride === true ? { PolicyOverride: true } : {}),
      }, options),
    validate: (job, options = {}) => conn.write('PUT', '/v1/validate/job', { Job: job }, options),
    deregister: (id, options = {}) =>
      conn.write('DELETE', jobPath(id), undefined, options, {
        purge: options.purge === true ? true : undefined,
        global: options.global === true ? true : undefined,
      }),
    summary: (id, options = {}) => conn.read(jobPath(id, '/summary'), options),
    scaleStatus: (id, options = {}) => conn.read(jobPath(id, '/scale'), options),
    scale: async (id, options) => conn.write('POST', jobPath(id, '/scale'), buildScalingRequest(id, options), options),
    allocations: (id, options = {}) => conn.read(jobPath(id, '/allocations'), options, { all: options.all === true ? true : undefined }),
    evaluations: (id, options = {}) => conn.read(jobPath(id, '/evaluations'), options),
  };
}
