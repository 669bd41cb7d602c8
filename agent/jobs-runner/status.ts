// `hearth jobs status`: what Nomad says about a job, like `nomad job status`.
import { HearthError } from '../errors.js';
import type { AllocationListStub, Job, JobListStub } from '../nomad/types.js';
import { listExpectedServices } from './expectations.js';
import type { HealthPort, JobsPort, ServiceHealth } from './ports.js';

export interface JobStatusReport {
  readonly id: string;
  readonly type: string;
  readonly status: string;
  readonly version: number;
  readonly stopped: boolean;
  readonly groups: Record<string, { queued: number; starting: number; running: number; failed: number; complete: number; lost: number }>;
  readonly allocations: ReadonlyArray<{ id: string; group: string; node: string; version: number; desired: string; status: string }>;
  readonly services: ReadonlyArray<ServiceHealth & { wanted: number }>;
}

export async function readJobStatus(jobs: JobsPort, health: HealthPort, id: string): Promise<JobStatusReport> {
  const job: Job | undefined = await jobs.read(id);
  if (job === undefined) throw new HearthError('HEARTH_ERR_NOT_FOUND', `Nomad at ${jobs.describe} has no job ${JSON.stringify(id)}.`, { details: { jobId: id } });
  const summary = await jobs.summary(id);
  const allocs: AllocationListStub[] = await jobs.allocations(id);
  const services = job.Stop === true ? [] : await Promise.all(listExpectedServices(job).map(async (s) => ({ ...(await health.serviceHealth(s.name)), wanted: s.instances })));
  const groups: JobStatusReport['groups'] = {};
  for (const [group, s] of Object.entries(summary?.Summary ?? {})) {
    groups[group] = { queued: s.Queued, starting: s.Starting, running: s.Running, failed: s.Failed, complete: s.Complete, lost: s.Lost };
  }
  return {
    id,
    type: job.Type ?? 'service',
    status: job.Status ?? 'unknown',
    version: job.Version ?? 0,
    stopped: job.Stop === true,
    groups,
    allocations: allocs.map((a) => ({ id: a.ID.slice(0, 8), group: a.TaskGroup, node: a.NodeName, version: a.JobVersion, desired: a.DesiredStatus, status: a.ClientStatus })),
    services,
  };
}

function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}

export function formatJobStatus(report: JobStatusReport): string {
  let text = `ID       = ${report.id}\nType     = ${report.type}\nStatus   = ${report.status}${report.stopped ? ' (stopped)' : ''}\nVersion  = ${report.version}\n`;
  text += '\nSummary\n' + table([['GROUP', 'QUEUED', 'STARTING', 'RUNNING', 'FAILED', 'COMPLETE', 'LOST'], ...Object.entries(report.groups).map(([g, s]) => [g, String(s.queued), String(s.starting), String(s.running), String(s.failed), String(s.complete), String(s.lost)])]);
  text += '\nAllocations\n' + (report.allocations.length === 0 ? 'none\n' : table([['ID', 'GROUP', 'NODE', 'VERSION', 'DESIRED', 'STATUS'], ...report.allocations.map((a) => [a.id, a.group, a.node, String(a.version), a.desired, a.status])]));
  text += '\nServices\n' + (report.services.length === 0 ? 'none\n' : table([['NAME', 'PASSING', 'WANTED'], ...report.services.map((s) => [s.name, `${s.passing}/${s.total}`, String(s.wanted)])]));
  return text;
}

export function formatJobList(stubs: readonly JobListStub[]): string {
  if (stubs.length === 0) return 'No jobs.\n';
  return table([['ID', 'TYPE', 'PRIORITY', 'STATUS', 'SUBMITTED'], ...stubs.map((s) => [s.ID, s.Type, String(s.Priority), s.Status, new Date(Math.floor(s.SubmitTime / 1e6)).toISOString()])]);
}
