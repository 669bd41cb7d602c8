// The model fallback of prima-expert: deploy the first model of model_list;
// if it cannot be placed (does not fit any node's memory) or does not turn
// healthy by the deadline, re-register the job with the next one.
import { HearthError, isHearthError } from '../errors.js';
import type { BuildContext } from '../../jobs/common.js';
import { renderJob } from '../../jobs/render.js';
import { submitJob, type SubmitDeps, type SubmitOptions, type SubmitResult } from './submit.js';

export interface FallbackResult extends SubmitResult {
  readonly model: string;
  readonly tried: ReadonlyArray<{ readonly model: string; readonly reason: string }>;
}

function readModelList(vars: Record<string, unknown>): string[] {
  const list = vars['model_list'];
  return Array.isArray(list) ? list.map(String) : [];
}

export async function runExpertWithFallback(
  deps: SubmitDeps,
  vars: Record<string, unknown>,
  ctx: BuildContext,
  source: string,
  options: SubmitOptions & { readonly say: (line: string) => void },
): Promise<FallbackResult> {
  const models = readModelList(vars);
  const start = typeof vars['model_index'] === 'number' ? vars['model_index'] : 0;
  const tried: Array<{ model: string; reason: string }> = [];
  for (let index = start; index < models.length; index += 1) {
    const model = models[index] ?? '';
    const job = renderJob('prima-expert', { ...vars, model_index: index }, ctx, source);
    options.say(`deploying ${job.ID} with model ${model} (${index + 1} of ${models.length})`);
    try {
      const result = await submitJob(deps, job, options);
      return { ...result, model, tried };
    } catch (err) {
      if (!isHearthError(err, 'HEARTH_ERR_JOB_FAILED') && !isHearthError(err, 'HEARTH_ERR_TIMEOUT')) throw err;
      if (options.signal?.aborted === true) throw err;
      const reason = String(err.details['reason'] ?? err.message);
      tried.push({ model, reason });
      deps.log.warn({ jobId: job.ID, model, reason }, 'model did not become healthy');
      const next = models[index + 1];
      options.say(next === undefined ? `model ${model} did not become healthy: ${reason}` : `model ${model} did not become healthy (${reason}); trying ${next}`);
    }
  }
  throw new HearthError('HEARTH_ERR_JOB_FAILED', `No model of model_list became healthy: ${tried.map((t) => `${t.model}: ${t.reason}`).join('; ')}`, {
    details: { tried },
  });
}
