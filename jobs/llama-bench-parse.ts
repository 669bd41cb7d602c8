// Turns `llama-bench -o json` output into prompt and generation tokens/s.
// Each result row has n_prompt, n_gen, avg_ts, stddev_ts and model_filename;
// a prompt test has n_gen 0, a generation test n_prompt 0. Anything that does
// not yield a positive figure for both is an error, never a silent 0.
import { HearthError } from '../agent/errors.js';

export interface BenchFigure {
  readonly tokens: number;
  readonly tokensPerSecond: number;
  readonly stddev: number;
}

export interface BenchResult {
  readonly model: string;
  readonly prompt: BenchFigure;
  readonly generation: BenchFigure;
}

function fail(reason: string, output: string): never {
  const excerpt = output.trim().slice(0, 200);
  throw new HearthError('HEARTH_ERR_JOB_FAILED', `llama-bench output could not be used: ${reason}. Output began: ${excerpt === '' ? '(empty)' : JSON.stringify(excerpt)}`, {
    details: { reason, excerpt },
  });
}

function readNumber(row: Record<string, unknown>, key: string, index: number, output: string): number {
  const value = row[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`result ${index} has no numeric ${key}`, output);
  return value;
}

function readFigure(row: Record<string, unknown>, tokensKey: 'n_prompt' | 'n_gen', index: number, output: string): BenchFigure {
  const tokens = readNumber(row, tokensKey, index, output);
  const tokensPerSecond = readNumber(row, 'avg_ts', index, output);
  const stddev = readNumber(row, 'stddev_ts', index, output);
  if (tokensPerSecond <= 0) fail(`result ${index} reports ${tokensPerSecond} tokens/s`, output);
  if (stddev < 0) fail(`result ${index} reports a negative stddev_ts`, output);
  return { tokens, tokensPerSecond, stddev };
}

/** The JSON array in the output: llama-bench may print log lines before it. */
function extractArray(output: string): unknown {
  const start = output.indexOf('[');
  const end = output.lastIndexOf(']');
  if (start === -1 || end < start) fail(output.trim() === '' ? 'the output is empty' : 'no JSON array in the output', output);
  try {
    return JSON.parse(output.slice(start, end + 1));
  } catch {
    return fail('the output is not valid JSON', output);
  }
}

export function parseLlamaBench(output: string): BenchResult {
  const rows = extractArray(output);
  if (!Array.isArray(rows) || rows.length === 0) fail('the JSON holds no results', output);
  let prompt: BenchFigure | undefined;
  let generation: BenchFigure | undefined;
  let model: string | undefined;
  rows.forEach((raw: unknown, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`result ${index} is not an object`, output);
    const row = raw as Record<string, unknown>;
    if (typeof row['model_filename'] !== 'string' || row['model_filename'] === '') fail(`result ${index} has no model_filename`, output);
    model ??= row['model_filename'];
    const nPrompt = readNumber(row, 'n_prompt', index, output);
    const nGen = readNumber(row, 'n_gen', index, output);
    if (nPrompt > 0 && nGen === 0) prompt ??= readFigure(row, 'n_prompt', index, output);
    else if (nGen > 0 && nPrompt === 0) generation ??= readFigure(row, 'n_gen', index, output);
  });
  if (prompt === undefined) fail('no prompt-processing result (n_prompt > 0, n_gen 0)', output);
  if (generation === undefined) fail('no text-generation result (n_gen > 0, n_prompt 0)', output);
  return { model: model ?? '', prompt, generation };
}
