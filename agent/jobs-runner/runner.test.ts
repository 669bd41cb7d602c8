import test from 'ava';
import { isHearthError } from '../errors.js';
import { createSilentLogger } from '../log.js';
import { buildTestCatalog, primaExpertVars } from '../../testing/support/test-catalog.js';
import { buildAlloc, createFakeCluster } from '../../testing/support/fake-jobs-ports.js';
import { runExpertWithFallback } from './fallback.js';
import { healCoreJobs } from './heal.js';
import { createProgressDisplay } from './progress.js';
import type { FollowState } from './follow.js';

const log = createSilentLogger();
const quick = { detach: false, deadlineMs: 300, pollMs: 10, onState: () => {} };

test('the first model is kept when it turns healthy', async (t) => {
  const cluster = createFakeCluster();
  const said: string[] = [];
  const result = await runExpertWithFallback({ ...cluster, log }, primaExpertVars(), { catalog: buildTestCatalog() }, 'test', { ...quick, say: (l) => said.push(l) });
  t.is(result.model, 'tiny-q4');
  t.is(cluster.registered.length, 1);
  t.deepEqual(result.tried, []);
});

test('the next model is registered when the first never turns healthy, and the switch is announced', async (t) => {
  const cluster = createFakeCluster();
  cluster.state.health = (name, job) => ({ name, passing: job?.Meta?.['hearth-model'] === 'tiny-q4' ? 0 : 3, total: 3 });
  const said: string[] = [];
  const result = await runExpertWithFallback({ ...cluster, log }, primaExpertVars(), { catalog: buildTestCatalog() }, 'test', { ...quick, say: (l) => said.push(l) });
  t.is(result.model, 'small-q8');
  t.deepEqual(cluster.registered.map((j) => j.Meta?.['hearth-model']), ['tiny-q4', 'small-q8']);
  t.true(said.some((l) => /model tiny-q4 did not become healthy .*; trying small-q8/.test(l)));
});

test('a placement failure (the model does not fit) moves on to the next model', async (t) => {
  const cluster = createFakeCluster();
  cluster.state.evaluation = (job) => (job.Meta?.['hearth-model'] === 'tiny-q4' ? { Status: 'complete', FailedTGAllocs: { server: { DimensionExhausted: { memory: 3 } } } } : { Status: 'complete', FailedTGAllocs: null });
  cluster.state.allocations = (job) => (job.Meta?.['hearth-model'] === 'tiny-q4' ? [] : job.TaskGroups.flatMap((g) => Array.from({ length: g.Count ?? 1 }, (_, i) => buildAlloc(job, g.Name, 'running', i))));
  const said: string[] = [];
  const result = await runExpertWithFallback({ ...cluster, log }, primaExpertVars(), { catalog: buildTestCatalog() }, 'test', { ...quick, say: (l) => said.push(l) });
  t.is(result.model, 'small-q8');
  t.regex(result.tried[0]?.reason ?? '', /no node could place group server \(memory\)/);
});

test('when no model turns healthy the failure lists every model with its reason and task events', async (t) => {
  const cluster = createFakeCluster();
  cluster.state.allocations = (job) => [buildAlloc(job, 'server', 'failed')];
  const err = await t.throwsAsync(runExpertWithFallback({ ...cluster, log }, primaExpertVars(), { catalog: buildTestCatalog() }, 'test', { ...quick, say: () => {} }));
  t.true(isHearthError(err, 'HEARTH_ERR_JOB_FAILED'));
  t.regex(err?.message ?? '', /tiny-q4: allocation .* failed; small-q8: allocation .* failed/);
});

test('heal registers missing jobs, then leaves unchanged ones alone and updates changed ones', async (t) => {
  const cluster = createFakeCluster();
  const entries = [{ template: 'prima-expert', vars: primaExpertVars() }, { template: 'benchmark', vars: { job_name: 'bench-a', model: 'tiny-q4' } }];
  const first = await healCoreJobs({ jobs: cluster.jobs, log }, entries, { catalog: buildTestCatalog() });
  t.deepEqual(first.map((o) => o.action), ['created', 'created']);
  const second = await healCoreJobs({ jobs: cluster.jobs, log }, entries, { catalog: buildTestCatalog() });
  t.deepEqual(second.map((o) => o.action), ['unchanged', 'unchanged']);
  t.is(cluster.registered.length, 2);
  const changed = [entries[0]!, { template: 'benchmark', vars: { job_name: 'bench-a', model: 'tiny-q4', n_gen: 64 } }];
  const third = await healCoreJobs({ jobs: cluster.jobs, log }, changed, { catalog: buildTestCatalog() });
  t.deepEqual(third.map((o) => o.action), ['unchanged', 'updated']);
});

test('heal with one invalid entry registers nothing', async (t) => {
  const cluster = createFakeCluster();
  const entries = [{ template: 'benchmark', vars: { job_name: 'bench-a', model: 'tiny-q4' } }, { template: 'benchmark', vars: { job_name: 'x;y', model: 'tiny-q4' } }];
  await t.throwsAsync(healCoreJobs({ jobs: cluster.jobs, log }, entries, { catalog: buildTestCatalog() }), { message: /heal\.coreJobs\[1\]/ });
  t.is(cluster.registered.length, 0);
});

function collect(): { stream: NodeJS.WritableStream; text: () => string } {
  let text = '';
  const stream = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream;
  return { stream, text: () => text };
}

const STATE = (status: string): FollowState => ({ jobId: 'j', evaluation: 'abcd1234 complete', allocations: [{ id: 'a1', group: 'server', node: 'n1', status }], services: [], done: false });

test('without a terminal the display prints one line per change', (t) => {
  const out = collect();
  const display = createProgressDisplay(out.stream, false);
  display.show(STATE('pending'));
  display.show(STATE('running'));
  display.show(STATE('running'));
  display.show(STATE('pending'));
  t.is(out.text(), 'job j: evaluation abcd1234 complete\nalloc a1 server on n1: pending\nalloc a1 server on n1: running\nalloc a1 server on n1: pending\n');
});

test('on a terminal the display redraws its lines in place', (t) => {
  const out = collect();
  const display = createProgressDisplay(out.stream, true);
  display.show(STATE('pending'));
  display.show(STATE('running'));
  t.true(out.text().includes('\x1b[2A\x1b[J'));
});
