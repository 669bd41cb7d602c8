// Follows a submitted job until its services are healthy (service jobs) or its
// allocations complete (batch jobs), reporting every change. A failed
// evaluation, a placement that does not fit or a failed allocation ends it
// with HEARTH_ERR_JOB_FAILED carrying the task events; the deadline with
// HEARTH_ERR_TIMEOUT.
import { HearthError } from '../errors.js';
import type { AllocationListStub, Evaluation, Job, TaskEvent } from '../nomad/types.js';
import { countExpectedAllocations, listExpectedServices, type ExpectedService } from './expectations.js';
import type { HealthPort, JobsPort, ServiceHealth } from './ports.js';

export interface AllocView {
  readonly id: string;
  readonly group: string;
  readonly node: string;
  readonly status: string;
}

export interface FollowState {
  readonly jobId: string;
  readonly evaluation: string;
  readonly allocations: readonly AllocView[];
  readonly services: ReadonlyArray<ServiceHealth & { readonly wanted: number }>;
  readonly done: boolean;
}

export interface FollowOptions {
  readonly jobs: JobsPort;
  readonly health: HealthPort;
  readonly job: Job;
  readonly evalId: string;
  /** The job version whose allocations count; older ones are being replaced. */
  readonly version: number;
  readonly deadlineMs: number;
  readonly pollMs: number;
  readonly onState: (state: FollowState) => void;
  readonly signal?: AbortSignal;
}

export interface TaskEventView {
  readonly alloc: string;
  readonly task: string;
  readonly type: string;
  readonly message: string;
}

function collectEvents(allocs: readonly AllocationListStub[]): TaskEventView[] {
  return allocs.flatMap((alloc) =>
    Object.entries(alloc.TaskStates ?? {}).flatMap(([task, state]) =>
      (state.Events ?? []).map((event: TaskEvent) => ({ alloc: alloc.ID.slice(0, 8), task, type: event.Type, message: event.DisplayMessage || event.Message || event.DriverError || '' })),
    ),
  );
}

function failJob(jobId: string, reason: string, allocs: readonly AllocationListStub[]): never {
  const events = collectEvents(allocs);
  const shown = events.slice(-12).map((e) => `\n  ${e.alloc} ${e.task}: ${e.type}${e.message === '' ? '' : ` - ${e.message}`}`).join('');
  throw new HearthError('HEARTH_ERR_JOB_FAILED', `Job ${jobId} failed: ${reason}${shown}`, { details: { jobId, reason, taskEvents: events } });
}

function describePlacementFailure(evaluation: Evaluation): string | undefined {
  const failed = evaluation.FailedTGAllocs;
  // Real Nomad omits FailedTGAllocs when nothing failed; other servers send null.
  if (failed === undefined || failed === null || Object.keys(failed).length === 0) return undefined;
  const groups = Object.entries(failed).map(([group, metric]) => {
    const m = metric as { DimensionExhausted?: Record<string, number> | null; ConstraintFiltered?: Record<string, number> | null; NodesEvaluated?: number };
    const reasons = [...Object.keys(m.DimensionExhausted ?? {}), ...Object.keys(m.ConstraintFiltered ?? {})];
    return `${group}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`;
  });
  return `no node could place group ${groups.join(', ')}`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function readServices(health: HealthPort, expected: readonly ExpectedService[]): Promise<Array<ServiceHealth & { wanted: number }>> {
  return Promise.all(expected.map(async (service) => ({ ...(await health.serviceHealth(service.name)), wanted: service.instances })));
}

export async function followJob(options: FollowOptions): Promise<FollowState> {
  const { jobs, health, job } = options;
  const batch = job.Type === 'batch';
  const expected = listExpectedServices(job);
  const wantedAllocs = countExpectedAllocations(job);
  const deadline = Date.now() + options.deadlineMs;
  let last = '';
  for (;;) {
    if (options.signal?.aborted === true) throw new HearthError('HEARTH_ERR_TIMEOUT', `Stopped following job ${job.ID} (interrupted); it stays submitted.`);
    const evaluation = options.evalId === '' ? undefined : await jobs.evaluation(options.evalId);
    const allocs = (await jobs.allocations(job.ID)).filter((a) => a.JobVersion === options.version && a.DesiredStatus === 'run');
    const services = batch ? [] : await readServices(health, expected);
    const running = allocs.filter((a) => a.ClientStatus === (batch ? 'complete' : 'running')).length;
    const done = running >= wantedAllocs && services.every((s) => s.passing >= s.wanted);
    const state: FollowState = {
      jobId: job.ID,
      evaluation: evaluation === undefined ? 'none' : `${evaluation.ID.slice(0, 8)} ${evaluation.Status}`,
      allocations: allocs.map((a) => ({ id: a.ID.slice(0, 8), group: a.TaskGroup, node: a.NodeName, status: a.ClientStatus })),
      services,
      done,
    };
    const key = JSON.stringify(state);
    if (key !== last) options.onState(state);
    last = key;
    if (done) return state;
    if (evaluation !== undefined && (evaluation.Status === 'failed' || evaluation.Status === 'canceled')) {
      failJob(job.ID, `evaluation ${evaluation.ID.slice(0, 8)} ${evaluation.Status}: ${evaluation.StatusDescription}`, allocs);
    }
    const placement = evaluation?.Status === 'complete' ? describePlacementFailure(evaluation) : undefined;
    if (placement !== undefined) failJob(job.ID, placement, allocs);
    const failed = allocs.filter((a) => a.ClientStatus === 'failed' || a.ClientStatus === 'lost');
    if (failed.length > 0) failJob(job.ID, `allocation ${failed.map((a) => `${a.ID.slice(0, 8)} (${a.TaskGroup} on ${a.NodeName})`).join(', ')} ${failed[0]?.ClientStatus}`, failed);
    if (Date.now() >= deadline) {
      const waiting = services.filter((s) => s.passing < s.wanted).map((s) => `${s.name} ${s.passing}/${s.wanted} passing`);
      const reason = `not healthy within ${Math.round(options.deadlineMs / 1000)}s (${running}/${wantedAllocs} allocations ${batch ? 'complete' : 'running'}${waiting.length > 0 ? `; ${waiting.join(', ')}` : ''})`;
      throw new HearthError('HEARTH_ERR_TIMEOUT', `Job ${job.ID} was ${reason}.`, { details: { jobId: job.ID, reason, taskEvents: collectEvents(allocs) } });
    }
    await sleep(options.pollMs, options.signal);
  }
}
