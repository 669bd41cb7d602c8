// The figures of a finished benchmark job: llama-bench's stdout, read from the
// completed allocation through Nomad's client filesystem API and parsed by
// jobs/llama-bench-parse.ts. Output that yields no positive figures is a
// failure naming the allocation, never a silent 0.
import { parseLlamaBench, type BenchFigure, type BenchResult } from '../../jobs/llama-bench-parse.js';
import { HearthError, isHearthError } from '../errors.js';
import type { AllocationListStub, Job } from '../nomad/types.js';
import type { JobsPort } from './ports.js';

export interface BenchmarkReport extends BenchResult {
  readonly allocId: string;
  readonly node: string;
}

/** True for a job built from the `benchmark` template. */
export function isBenchmarkJob(job: Job): boolean {
  return job.Type === 'batch' && job.Meta?.['hearth-template'] === 'benchmark';
}

function describeAlloc(alloc: AllocationListStub): string {
  return `allocation ${alloc.ID.slice(0, 8)} (${alloc.TaskGroup} on ${alloc.NodeName})`;
}

function failBenchmark(job: Job, alloc: AllocationListStub, reason: string, cause: unknown): never {
  throw new HearthError('HEARTH_ERR_JOB_FAILED', `Benchmark ${job.ID} ran, but ${describeAlloc(alloc)} gave no result: ${reason}`, {
    cause,
    details: { jobId: job.ID, allocId: alloc.ID, node: alloc.NodeName, reason },
  });
}

/** Reads and parses llama-bench's stdout from the job's completed allocation of `version`. */
export async function readBenchmarkResult(jobs: JobsPort, job: Job, version: number): Promise<BenchmarkReport> {
  const group = job.TaskGroups[0];
  const task = group?.Tasks[0]?.Name;
  if (group === undefined || task === undefined) throw new HearthError('HEARTH_ERR_INTERNAL', `Benchmark job ${job.ID} has no task to read the output of`);
  const complete = (await jobs.allocations(job.ID))
    .filter((a) => a.JobVersion === version && a.TaskGroup === group.Name && a.ClientStatus === 'complete')
    .sort((a, b) => b.CreateIndex - a.CreateIndex);
  const alloc = complete[0];
  if (alloc === undefined) throw new HearthError('HEARTH_ERR_JOB_FAILED', `Benchmark ${job.ID} has no complete allocation of group ${group.Name} to read results from`, { details: { jobId: job.ID } });
  let stdout: string;
  try {
    stdout = await jobs.taskStdout(alloc.ID, task);
  } catch (err) {
    if (!isHearthError(err)) throw err;
    failBenchmark(job, alloc, `its stdout could not be read: ${err.message}`, err);
  }
  try {
    return { ...parseLlamaBench(stdout), allocId: alloc.ID, node: alloc.NodeName };
  } catch (err) {
    if (!isHearthError(err)) throw err;
    return failBenchmark(job, alloc, err.message, err);
  }
}

/** One decimal, but two significant digits below 1 so a small figure does not print as 0.0. */
function formatRate(value: number): string {
  return value >= 1 || value === 0 ? value.toFixed(1) : String(Number(value.toPrecision(2)));
}

function formatFigure(what: string, figure: BenchFigure): string {
  return `${what} ${figure.tokens} tokens: ${formatRate(figure.tokensPerSecond)} tokens/s (±${formatRate(figure.stddev)})`;
}

/** "prompt 512 tokens: 26.1 tokens/s (±0.28); generation 128 tokens: 4.5 tokens/s (±0.015)". */
export function formatBenchmark(report: BenchResult): string {
  return `${formatFigure('prompt', report.prompt)}; ${formatFigure('generation', report.generation)}`;
}
