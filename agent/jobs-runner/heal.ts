// Keeps the core jobs registered: each is rendered, compared with what Nomad
// runs through a plan with diff, and registered only when it is missing,
// stopped or different. Every entry is validated before anything changes.
import type { Logger } from 'pino';
import type { BuildContext } from '../../jobs/common.js';
import { renderJob } from '../../jobs/render.js';
import type { Job } from '../nomad/types.js';
import type { JobsPort } from './ports.js';

export interface CoreJobEntry {
  readonly template: string;
  readonly vars: Record<string, unknown>;
}

export type HealAction = 'unchanged' | 'created' | 'updated' | 'restarted';

export interface HealOutcome {
  readonly jobId: string;
  readonly template: string;
  readonly action: HealAction;
  readonly evalId?: string;
}

export function renderCoreJobs(entries: readonly CoreJobEntry[], ctx: BuildContext): Job[] {
  return entries.map((entry, index) => renderJob(entry.template, entry.vars, ctx, `heal.coreJobs[${index}]`));
}

async function decide(jobs: JobsPort, job: Job): Promise<HealAction> {
  const current = await jobs.read(job.ID);
  if (current === undefined) return 'created';
  if (current.Stop === true) return 'restarted';
  const plan = await jobs.plan(job);
  // No diff to read means no proof the job is unchanged: register (an identical register adds no version).
  return plan.Diff?.Type === 'None' ? 'unchanged' : 'updated';
}

export async function healCoreJobs(deps: { jobs: JobsPort; log: Logger }, entries: readonly CoreJobEntry[], ctx: BuildContext): Promise<HealOutcome[]> {
  const rendered = renderCoreJobs(entries, ctx);
  const outcomes: HealOutcome[] = [];
  for (const [index, job] of rendered.entries()) {
    const template = entries[index]?.template ?? '';
    const jobs = deps.jobs.inNamespace(job.Namespace);
    const action = await decide(jobs, job);
    if (action === 'unchanged') {
      outcomes.push({ jobId: job.ID, template, action });
      continue;
    }
    const registered = await jobs.register(job);
    deps.log.info({ jobId: job.ID, action, evalId: registered.evalId }, 'core job registered');
    outcomes.push({ jobId: job.ID, template, action, evalId: registered.evalId });
  }
  return outcomes;
}
