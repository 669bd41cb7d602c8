// Server-side job validation with Nomad's messages, nested the way
// hashicorp/go-multierror prints them. Nomad answers these as HTTP 500.
import type { Job, Task, TaskGroup } from '../../../agent/nomad/types.js';

const JOB_TYPES = new Set(['service', 'batch', 'system', 'sysbatch']);

/** go-multierror's ListFormatFunc. */
export function formatMultiError(errors: readonly string[]): string {
  if (errors.length === 1) return `1 error occurred:\n\t* ${errors[0]}\n\n`;
  return `${errors.length} errors occurred:\n${errors.map((e) => `\t* ${e}`).join('\n')}\n\n`;
}

/** The validation errors of a canonicalized job (empty when valid). */
export function validateJob(job: Job): string[] {
  const errs: string[] = [];
  if (job.ID.includes(' ')) errs.push('Job ID contains a space');
  if (job.ID.includes('\0')) errs.push('Job ID contains a null character');
  if ((job.Name ?? '').includes('\0')) errs.push('Job Name contains a null character');
  if (!JOB_TYPES.has(job.Type ?? '')) errs.push(`Invalid job type: ${JSON.stringify(job.Type)}`);
  const priority = job.Priority ?? 50;
  if (priority < 1 || priority > 100) errs.push('Job priority must be between [1, 100]');
  for (const dc of job.Datacenters ?? []) if (dc === '') errs.push('Job datacenter must be non-empty string');
  if (job.TaskGroups.length === 0) errs.push('Missing job task groups');
  const seen = new Map<string, number>();
  job.TaskGroups.forEach((tg, i) => {
    const prior = seen.get(tg.Name);
    if (tg.Name !== '' && prior !== undefined) errs.push(`Job task group ${i + 1} redefines '${tg.Name}' from group ${prior + 1}`);
    else seen.set(tg.Name, i);
    const inner = validateGroup(tg, job);
    if (inner.length > 0) errs.push(`Task group ${tg.Name} validation failed: ${formatMultiError(inner)}`);
  });
  return errs;
}

function validateGroup(tg: TaskGroup, job: Job): string[] {
  const errs: string[] = [];
  if (tg.Name === '') errs.push('Missing task group name');
  const count = tg.Count ?? 1;
  if (count < 0) errs.push("Task group count can't be negative");
  if (job.Type === 'system' && count > 1) errs.push(`Task group count must be either 0 or 1 for system jobs, given ${count}`);
  if (tg.Tasks.length === 0) errs.push('Missing tasks for task group');
  const s = tg.Scaling;
  if (s !== undefined && s !== null) {
    const min = s.Min ?? 0;
    if (typeof s.Max === 'number' && s.Max < min) errs.push(`Scaling policy invalid: maximum count must not be less than minimum count`);
    if (count < min) errs.push(`Scaling policy invalid: task group count must not be less than minimum count in scaling policy`);
    if (typeof s.Max === 'number' && count > s.Max) errs.push(`Scaling policy invalid: task group count must not be greater than maximum count in scaling policy`);
  }
  const seen = new Map<string, number>();
  tg.Tasks.forEach((task, i) => {
    const prior = seen.get(task.Name);
    if (task.Name !== '' && prior !== undefined) errs.push(`Task ${i + 1} redefines '${task.Name}' from task ${prior + 1}`);
    else seen.set(task.Name, i);
    const inner = validateTask(task);
    if (inner.length > 0) errs.push(`Task ${task.Name} validation failed: ${formatMultiError(inner)}`);
  });
  return errs;
}

function validateTask(task: Task): string[] {
  const errs: string[] = [];
  if (task.Name === '') errs.push('Missing task name');
  if (task.Name.includes('/')) errs.push('Task name cannot include slashes');
  if (task.Driver === '') errs.push('Missing task driver');
  const res = task.Resources ?? {};
  if ((res.Cores ?? 0) === 0 && (res.CPU ?? 0) < 1) errs.push(`minimum CPU value is 1; got ${res.CPU ?? 0}`);
  if ((res.MemoryMB ?? 0) < 10) errs.push(`minimum MemoryMB value is 10; got ${res.MemoryMB ?? 0}`);
  for (const t of task.Templates ?? []) if (t.DestPath === '') errs.push('Template 1 validation failed: Must specify a destination for the template');
  return errs;
}
