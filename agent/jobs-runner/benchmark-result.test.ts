import { readFileSync } from 'node:fs';
import test from 'ava';
import { isHearthError } from '../errors.js';
import { createSilentLogger } from '../log.js';
import { repoPath } from '../util/paths.js';
import { renderJob } from '../../jobs/render.js';
import { buildTestCatalog } from '../../testing/support/test-catalog.js';
import { formatBenchmark } from './benchmark-result.js';
import { buildAlloc, createFakeCluster } from '../../testing/support/fake-jobs-ports.js';
import { submitJob } from './submit.js';

const log = createSilentLogger();
const quick = { detach: false, deadlineMs: 300, pollMs: 10, onState: () => {} };
const SAMPLE = readFileSync(repoPath('testing', 'fixtures', 'fake-llama-bench', 'ok.json'), 'utf8');

function benchmarkCluster(stdout: string | undefined) {
  const cluster = createFakeCluster();
  cluster.state.allocations = (job) => [buildAlloc(job, 'bench', 'complete')];
  const asked: Array<[string, string]> = [];
  cluster.state.stdout = (allocId, task) => {
    asked.push([allocId, task]);
    return stdout;
  };
  const job = renderJob('benchmark', { job_name: 'bench-a', model: 'tiny-q4' }, { catalog: buildTestCatalog() }, 'test');
  return { cluster, job, asked };
}

test('a finished benchmark job yields the figures parsed from its task\'s stdout', async (t) => {
  const { cluster, job, asked } = benchmarkCluster(`build: 4120\n${SAMPLE}`);
  const result = await submitJob({ ...cluster, log }, job, quick);
  t.deepEqual(asked, [[buildAlloc(job, 'bench', 'complete').ID, 'llama-bench']]);
  t.like(result.benchmark, { prompt: { tokens: 512, tokensPerSecond: 26.147, stddev: 0.281 }, generation: { tokens: 128, tokensPerSecond: 4.5, stddev: 0.015 }, node: 'node-0' });
  t.is(formatBenchmark(result.benchmark!), 'prompt 512 tokens: 26.1 tokens/s (±0.28); generation 128 tokens: 4.5 tokens/s (±0.015)');
});

test('output without JSON fails the run with the parser\'s reason and the allocation', async (t) => {
  const { cluster, job } = benchmarkCluster('error: failed to load model\n');
  const err = await t.throwsAsync(submitJob({ ...cluster, log }, job, quick));
  if (!isHearthError(err, 'HEARTH_ERR_JOB_FAILED')) return t.fail(String(err));
  t.regex(err.message, /^Benchmark bench-a ran, but allocation bench-a- \(bench on node-0\) gave no result: llama-bench output could not be used: no JSON array in the output/);
  t.is(err.details['allocId'], buildAlloc(job, 'bench', 'complete').ID);
  return undefined;
});

test('a result of 0 tokens/s is a failure, not a figure', async (t) => {
  const zero = SAMPLE.replace('"avg_ts": 4.5', '"avg_ts": 0');
  t.not(zero, SAMPLE);
  const { cluster, job } = benchmarkCluster(zero);
  await t.throwsAsync(submitJob({ ...cluster, log }, job, quick), { message: /result 1 reports 0 tokens\/s/ });
});

test('stdout that cannot be read fails the run naming the allocation and Nomad\'s answer', async (t) => {
  const { cluster, job } = benchmarkCluster(undefined);
  await t.throwsAsync(submitJob({ ...cluster, log }, job, quick), { message: /allocation bench-a- \(bench on node-0\) gave no result: its stdout could not be read: .*Unknown allocation/ });
});

test('a job of another template reads no output', async (t) => {
  const { cluster, asked } = benchmarkCluster(SAMPLE);
  const other = renderJob('benchmark', { job_name: 'bench-b', model: 'tiny-q4' }, { catalog: buildTestCatalog() }, 'test');
  const result = await submitJob({ ...cluster, log }, { ...other, Meta: { ...other.Meta, 'hearth-template': 'custom' } }, quick);
  t.is(result.benchmark, undefined);
  t.deepEqual(asked, []);
});
