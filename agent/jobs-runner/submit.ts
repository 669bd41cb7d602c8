// Registers a job and (unless detached) follows it until healthy or failed;
// a finished benchmark job also yields llama-bench's figures from its stdout.
import type { Logger } from 'pino';
import type { Job } from '../nomad/types.js';
import { isBenchmarkJob, readBenchmarkResult, type BenchmarkReport } from './benchmark-result.js';
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
  /** Set for a followed job of the `benchmark` template. */
  readonly benchmark?: BenchmarkReport;
}

export async function submitJob(baseDeps: SubmitDeps, job: Job, options: SubmitOptions): Promise<SubmitResult> {
  // Everything about the job is read in the job's own namespace.
  const deps: SubmitDeps = { ...baseDeps, jobs: baseDeps.jobs.inNamespace(job.Namespace) };
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
  if (!isBenchmarkJob(job)) return { jobId: job.ID, evalId: registered.evalId, version, state };
  const benchmark = await readBenchmarkResult(deps.jobs, job, version);
  deps.log.info({ jobId: job.ID, allocId: benchmark.allocId, prompt: benchmark.prompt.tokensPerSecond, generation: benchmark.generation.tokensPerSecond }, 'benchmark result');
  return { jobId: job.ID, evalId: registered.evalId, version, state, benchmark };
}
