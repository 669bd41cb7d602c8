// Follows an evaluation with blocking reads until it is terminal (complete,
// failed or canceled) or the deadline passes.
import { HearthError } from '../errors.js';
import type { EvaluationsApi } from './cluster.js';
import type { Evaluation } from './types.js';

export interface WaitForEvaluationOptions {
  readonly timeoutMs: number;
  readonly namespace?: string;
  readonly signal?: AbortSignal;
}

const TERMINAL = new Set(['complete', 'failed', 'canceled']);

export async function waitForEvaluation(evaluations: EvaluationsApi, evalId: string, options: WaitForEvaluationOptions): Promise<Evaluation> {
  const deadline = Date.now() + options.timeoutMs;
  let index = 0;
  for (;;) {
    const remainingMs = deadline - Date.now();
    const { data, meta } = await evaluations.read(evalId, {
      ...(index > 0 ? { index, wait: Math.max(1, remainingMs) } : {}),
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (TERMINAL.has(data.Status)) return data;
    if (Date.now() >= deadline) {
      throw new HearthError('HEARTH_ERR_TIMEOUT', `evaluation ${evalId} is still ${data.Status} after ${options.timeoutMs} ms`, {
        details: { evalId, status: data.Status, timeoutMs: options.timeoutMs },
      });
    }
    index = Math.max(1, meta.lastIndex);
  }
}
