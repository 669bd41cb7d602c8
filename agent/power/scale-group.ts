// Sets a task group's count, whatever deployment Nomad is running for the job.
//
// Nomad's scale endpoint (Job.Scale in nomad/job_endpoint.go) refuses any count
// change while the job's latest deployment is active ("job scaling blocked due
// to active deployment", 400), and a wake itself starts one. Job.Register has
// no such rule: a new job version supersedes the active deployment, which
// Nomad then cancels. Job.Scale itself commits the new count as a job register
// (EnforceIndex on the job it read). So when the scale endpoint refuses, the
// count is set the way it would have set it: the job as Nomad has it, with only
// this group's Count changed, registered with EnforceIndex on the index it was
// read at (an operator's concurrent change is never overwritten; it is re-read
// and retried instead). A count-less scaling event then records why, as the
// scale endpoint would have. See docs/power-deployments.md.
import { HearthError, HttpApiError, isHearthError } from '../errors.js';
import type { Clock } from './clock.js';
import type { NomadPort } from './ports.js';

export interface ScaleTarget {
  readonly jobId: string;
  readonly group: string;
}

export interface ScaleRequest {
  readonly count: number;
  readonly message: string;
  readonly meta: Record<string, string>;
}

export type ScaleVia = 'scale' | 'register';

/** How often a register that lost a race with another writer is re-read and retried. */
const REGISTER_ATTEMPTS = 5;

export function isDeploymentBlock(err: unknown): boolean {
  return err instanceof HttpApiError && err.status === 400 && /active deployment/i.test(err.body);
}

function isIndexConflict(err: unknown): boolean {
  return err instanceof HttpApiError && /Enforcing job modify index/i.test(err.body);
}

/** Sets the count once: through the scale endpoint, or through a register when a deployment blocks it. */
export async function scaleGroup(nomad: NomadPort, target: ScaleTarget, request: ScaleRequest): Promise<ScaleVia> {
  try {
    await nomad.jobs.scale(target.jobId, { group: target.group, count: request.count, message: request.message, meta: request.meta });
    return 'scale';
  } catch (err) {
    if (!isDeploymentBlock(err)) throw err;
  }
  for (let attempt = 1; ; attempt += 1) {
    const job = await nomad.jobs.read(target.jobId);
    const group = job.TaskGroups.find((candidate) => candidate.Name === target.group);
    if (group === undefined) {
      throw new HearthError('HEARTH_ERR_POWER', `Job ${JSON.stringify(target.jobId)} has no task group ${JSON.stringify(target.group)} any more; it cannot be scaled.`, {
        details: { jobId: target.jobId, group: target.group },
      });
    }
    if (group.Count === request.count) break;
    const changed = { ...job, TaskGroups: job.TaskGroups.map((candidate) => (candidate === group ? { ...candidate, Count: request.count } : candidate)) };
    try {
      await nomad.jobs.register(changed, { enforceIndex: true, jobModifyIndex: job.JobModifyIndex ?? 0 });
      break;
    } catch (err) {
      if (!isIndexConflict(err) || attempt >= REGISTER_ATTEMPTS) throw err;
    }
  }
  // The scaling event the scale endpoint would have recorded; a count-less event is never blocked by a deployment.
  // Not waited for: the count is set, and a wake's held clients should not wait for a history entry.
  void nomad.jobs
    .scale(target.jobId, { group: target.group, count: null, message: `${request.message} (set through a job register: a deployment was active)`, meta: request.meta })
    .catch(() => undefined);
  return 'register';
}

/** True for failures worth retrying: Nomad away, restarting or overloaded (no answer, a timeout, a 5xx). */
export function isTransient(err: unknown): boolean {
  if (err instanceof HttpApiError) return err.status >= 500 && !isIndexConflict(err);
  return isHearthError(err, 'HEARTH_ERR_UNREACHABLE') || isHearthError(err, 'HEARTH_ERR_TIMEOUT') || !isHearthError(err);
}

/** `scaleGroup`, retried while Nomad is away (a restart mid-wake) until `deadlineMs`; other failures are thrown at once. */
export async function scaleGroupUntil(
  nomad: NomadPort,
  clock: Clock,
  target: ScaleTarget,
  request: ScaleRequest,
  options: { readonly deadlineMs: number; readonly retryMs: number; readonly signal?: AbortSignal },
): Promise<ScaleVia> {
  for (;;) {
    try {
      return await scaleGroup(nomad, target, request);
    } catch (err) {
      if (!isTransient(err) || clock.now() + options.retryMs >= options.deadlineMs || options.signal?.aborted === true) throw err;
      await clock.sleep(options.retryMs, options.signal).catch(() => undefined);
    }
  }
}
