// Registers a job and (unless detached) follows it until healthy or failed.
import type { Logger } from 'pino';
import type { Job } from '../nomad/types.js';
import { followJob, type FollowState } from './follow.js';
import type { HealthPort, JobsPort } from './ports.js';

export interface SubmitDeps {
  readonly jobs: JobsPort;
  readonly health: HealthPort;
  readonly log: Logger;
}

export interface SubmitOptions {
  readonly detach: boolean;
  readonly deadlineMs: number;
  readonly pollMs: number;
  readonly onState: (state: FollowState) => void;
  readonly signal?: AbortSignal;
}

export interface SubmitResult {
  readonly jobId: string;
  readonly evalId: string;
  readonly version: number;
  readonly state?: FollowState;
}

export async function submitJob(deps: SubmitDeps, job: Job, options: SubmitOptions): Promise<SubmitResult> {
  const registered = await deps.jobs.register(job);
  const current = await deps.jobs.read(job.ID);
  const version = current?.Version ?? 0;
  deps.log.info({ jobId: job.ID, evalId: registered.evalId, version }, 'job submitted');
  if (options.detach) return { jobId: job.ID, evalId: registered.evalId, version };
  const state = await followJob({
    jobs: deps.jobs,
    health: deps.health,
    job,
    evalId: registered.evalId,
    version,
    deadlineMs: options.deadlineMs,
    pollMs: options.pollMs,
    onState: options.onState,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { jobId: job.ID, evalId: registered.evalId, version, state };
}
