// The runner's ports over Nomad's and Consul's HTTP APIs: the handful of
// calls `hearth jobs` and `hearth heal` make, with errors mapped to HearthError.
import type { Logger } from 'pino';
import { HearthError, HttpApiError } from '../errors.js';
import type { AllocationListStub, Evaluation, Job, JobListStub, JobRegisterResponse, JobSummary, PlanResponse } from '../nomad/types.js';
import type { Cluster } from './connect.js';

export interface HttpPortsOptions {
  readonly nomad: { addr: string; source: string; token?: string | undefined; namespace?: string | undefined; region?: string | undefined };
  readonly consul: { addr: string; source: string; token?: string | undefined };
  readonly log: Logger;
  readonly timeoutMs?: number;
}

interface Endpoint {
  readonly service: 'nomad' | 'consul';
  readonly addr: string;
  readonly source: string;
  readonly headers: Record<string, string>;
}

async function call(endpoint: Endpoint, method: string, path: string, body: unknown, timeoutMs: number): Promise<{ status: number; text: string }> {
  const url = new URL(path, endpoint.addr.endsWith('/') ? endpoint.addr : `${endpoint.addr}/`).toString();
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { ...endpoint.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
    throw new HearthError('HEARTH_ERR_UNREACHABLE', `Could not reach ${endpoint.service === 'nomad' ? 'Nomad' : 'Consul'} at ${endpoint.addr} (${endpoint.service}.addr from ${endpoint.source}): ${cause}`, {
      cause: err,
      details: { addr: endpoint.addr, source: endpoint.source },
    });
  }
  return { status: response.status, text: await response.text() };
}

function failHttp(endpoint: Endpoint, method: string, path: string, status: number, text: string): never {
  const code = status === 403 ? 'HEARTH_ERR_ACL_DENIED' : status === 404 ? 'HEARTH_ERR_NOT_FOUND' : endpoint.service === 'nomad' ? 'HEARTH_ERR_NOMAD_HTTP' : 'HEARTH_ERR_CONSUL_HTTP';
  throw new HttpApiError(code, { service: endpoint.service, status, body: text, method, url: `${endpoint.addr}${path}` });
}

async function json<T>(endpoint: Endpoint, method: string, path: string, body: unknown, timeoutMs: number): Promise<T> {
  const { status, text } = await call(endpoint, method, path, body, timeoutMs);
  if (status < 200 || status >= 300) failHttp(endpoint, method, path, status, text);
  return JSON.parse(text) as T;
}

async function jsonOrMissing<T>(endpoint: Endpoint, path: string, timeoutMs: number): Promise<T | undefined> {
  const { status, text } = await call(endpoint, 'GET', path, undefined, timeoutMs);
  if (status === 404) return undefined;
  if (status < 200 || status >= 300) failHttp(endpoint, 'GET', path, status, text);
  return JSON.parse(text) as T;
}

export function createHttpPorts(options: HttpPortsOptions): Cluster {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const nomad: Endpoint = { service: 'nomad', addr: options.nomad.addr, source: options.nomad.source, headers: options.nomad.token === undefined ? {} : { 'x-nomad-token': options.nomad.token } };
  const consul: Endpoint = { service: 'consul', addr: options.consul.addr, source: options.consul.source, headers: options.consul.token === undefined ? {} : { 'x-consul-token': options.consul.token } };
  const query = (extra: Record<string, string> = {}): string => {
    const params = new URLSearchParams(extra);
    if (options.nomad.namespace !== undefined) params.set('namespace', options.nomad.namespace);
    if (options.nomad.region !== undefined) params.set('region', options.nomad.region);
    const text = params.toString();
    return text === '' ? '' : `?${text}`;
  };
  const jobPath = (id: string, suffix = ''): string => `v1/job/${encodeURIComponent(id)}${suffix}`;
  return {
    jobs: {
      describe: `${options.nomad.addr} (nomad.addr from ${options.nomad.source})`,
      list: () => json<JobListStub[]>(nomad, 'GET', `v1/jobs${query()}`, undefined, timeoutMs),
      read: (id) => jsonOrMissing<Job>(nomad, `${jobPath(id)}${query()}`, timeoutMs),
      plan: (job) => json<PlanResponse>(nomad, 'POST', `${jobPath(job.ID, '/plan')}${query()}`, { Job: job, Diff: true }, timeoutMs),
      async register(job) {
        const response = await json<JobRegisterResponse>(nomad, 'POST', `v1/jobs${query()}`, { Job: job }, timeoutMs);
        options.log.debug({ jobId: job.ID, evalId: response.EvalID }, 'job registered');
        return { evalId: response.EvalID, jobModifyIndex: response.JobModifyIndex };
      },
      async deregister(id, purge) {
        const response = await json<{ EvalID: string }>(nomad, 'DELETE', `${jobPath(id)}${query(purge ? { purge: 'true' } : {})}`, undefined, timeoutMs);
        return { evalId: response.EvalID };
      },
      allocations: (id) => json<AllocationListStub[]>(nomad, 'GET', `${jobPath(id, '/allocations')}${query()}`, undefined, timeoutMs),
      summary: (id) => jsonOrMissing<JobSummary>(nomad, `${jobPath(id, '/summary')}${query()}`, timeoutMs),
      evaluation: (id) => json<Evaluation>(nomad, 'GET', `v1/evaluation/${encodeURIComponent(id)}${query()}`, undefined, timeoutMs),
    },
    health: {
      async serviceHealth(name) {
        const entries = await json<Array<{ Checks: Array<{ Status: string }> }>>(consul, 'GET', `v1/health/service/${encodeURIComponent(name)}`, undefined, timeoutMs);
        const passing = entries.filter((e) => e.Checks.every((c) => c.Status === 'passing')).length;
        return { name, passing, total: entries.length };
      },
    },
  };
}
