import test from 'ava';
import { readFileSync } from 'node:fs';
import { isHearthError } from '../agent/errors.js';
import { repoPath } from '../agent/util/paths.js';
import { parseLlamaBench } from './llama-bench-parse.js';

const SAMPLE = readFileSync(repoPath('testing', 'fixtures', 'fake-llama-bench', 'ok.json'), 'utf8');
const rows = (): Array<Record<string, unknown>> => JSON.parse(SAMPLE) as Array<Record<string, unknown>>;

test('prompt and generation tokens/s are read from llama-bench JSON', (t) => {
  const result = parseLlamaBench(SAMPLE);
  t.is(result.model, '/srv/models/qwen2.5-7b-instruct-q4_k_m.gguf');
  t.deepEqual(result.prompt, { tokens: 512, tokensPerSecond: 26.147, stddev: 0.281 });
  t.deepEqual(result.generation, { tokens: 128, tokensPerSecond: 4.5, stddev: 0.015 });
});

test('log lines before the JSON array are skipped', (t) => {
  t.is(parseLlamaBench(`llama_model_loader: loaded meta data\n${SAMPLE}`).generation.tokensPerSecond, 4.5);
});

const FAILURES: Array<[string, string, RegExp]> = [
  ['empty output', '', /the output is empty/],
  ['non-JSON output', 'pp512 | 26.1 ± 0.3', /no JSON array/],
  ['a crash message', 'main: error: failed to load model \'/srv/x.gguf\'\nSegmentation fault [core dumped]', /not valid JSON/],
  ['an empty result list', '[]', /no results/],
  ['a missing avg_ts', JSON.stringify(rows().map((r) => ({ ...r, avg_ts: undefined }))), /no numeric avg_ts/],
  ['a missing model_filename', JSON.stringify(rows().map((r) => ({ ...r, model_filename: undefined }))), /no model_filename/],
  ['zero tokens/s', JSON.stringify(rows().map((r) => ({ ...r, avg_ts: 0 }))), /reports 0 tokens\/s/],
  ['negative tokens/s', JSON.stringify(rows().map((r) => ({ ...r, avg_ts: -3 }))), /reports -3 tokens\/s/],
  ['only a prompt test', JSON.stringify(rows().slice(0, 1)), /no text-generation result/],
  ['only a generation test', JSON.stringify(rows().slice(1)), /no prompt-processing result/],
  ['a string where a number belongs', JSON.stringify(rows().map((r) => ({ ...r, avg_ts: '26.1' }))), /no numeric avg_ts/],
];

for (const [what, output, reason] of FAILURES) {
  test(`${what} is an error, never a silent 0`, (t) => {
    const err = t.throws(() => parseLlamaBench(output));
    t.true(isHearthError(err, 'HEARTH_ERR_JOB_FAILED'));
    t.regex(err?.message ?? '', reason);
  });
}
