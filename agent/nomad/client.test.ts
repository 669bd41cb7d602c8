import test from 'ava';
import { HttpApiError, isHearthError } from '../errors.js';
import { sendJson, sendText, startFakeServer, type FakeHandler } from '../../testing/support/fake-http-server.js';
import { createSilentLogger } from '../log.js';
import { createNomadClient, type NomadClientOptions } from './client.js';
import type { Job } from './types.js';

const TOKEN = 'nomad-secret-8b2e';

const job: Job = {
  ID: 'web',
  Type: 'service',
  TaskGroups: [{ Name: 'app', Count: 1, Tasks: [{ Name: 'server', Driver: 'docker', Config: { image: 'nginx:1.27' } }] }],
};

async function setup(t: import('ava').ExecutionContext, handler: FakeHandler, extra: Partial<NomadClientOptions> = {}) {
  const server = await startFakeServer(handler);
  t.teardown(() => server.close());
  const nomad = createNomadClient({ addr: server.url, token: TOKEN, log: createSilentLogger(), ...extra });
  t.teardown(() => nomad.close());
  return { server, nomad };
}

const ok: FakeHandler = (_req, res) =>
  sendJson(res, 200, { EvalID: 'e1', EvalCreateIndex: 9, JobModifyIndex: 8, Warnings: '', Index: 9, LastContact: 0, KnownLeader: false, NextToken: '' }, { 'x-nomad-index': '9' });

test('register PUTs a PascalCase JobRegisterRequest to /v1/jobs with the token header and namespace', async (t) => {
  const { server, nomad } = await setup(t, ok, { namespace: 'ml', region: 'eu' });
  const res = await nomad.jobs.register(job, { enforceIndex: true, jobModifyIndex: 4, preserveCounts: true });
  t.is(res.EvalID, 'e1');
  const [req] = server.requests;
  t.is(req?.method, 'PUT');
  t.is(req?.path, '/v1/jobs');
  t.is(req?.headers['x-nomad-token'], TOKEN);
  t.is(req?.query.get('namespace'), 'ml');
  t.is(req?.query.get('region'), 'eu');
  t.deepEqual(JSON.parse(req?.body ?? ''), { Job: job, EnforceIndex: true, JobModifyIndex: 4, PreserveCounts: true });
});

test('a per-call namespace overrides the client namespace', async (t) => {
  const { server, nomad } = await setup(t, (_req, res) => sendJson(res, 200, [], { 'x-nomad-index': '3' }), { namespace: 'ml' });
  await nomad.jobs.list({ namespace: '*', prefix: 'prima-' });
  t.is(server.requests[0]?.query.get('namespace'), '*');
  t.is(server.requests[0]?.query.get('prefix'), 'prima-');
});

test('scale POSTs a ScalingRequest with the group as target, and a null count leaves Count out', async (t) => {
  const { server, nomad } = await setup(t, ok);
  await nomad.jobs.scale('web', { group: 'app', count: 0, message: 'idle', meta: { reason: 'idle' } });
  await nomad.jobs.scale('web', { group: 'app', count: null, message: 'note only' });
  t.is(server.requests[0]?.method, 'POST');
  t.is(server.requests[0]?.path, '/v1/job/web/scale');
  t.deepEqual(JSON.parse(server.requests[0]?.body ?? ''), { Count: 0, Target: { Job: 'web', Group: 'app' }, Message: 'idle', Meta: { reason: 'idle' } });
  t.deepEqual(JSON.parse(server.requests[1]?.body ?? ''), { Target: { Job: 'web', Group: 'app' }, Message: 'note only' });
});

test('a negative scale count is refused before anything is sent', async (t) => {
  const { server, nomad } = await setup(t, ok);
  const err = await t.throwsAsync(nomad.jobs.scale('web', { group: 'app', count: -1 }));
  t.true(isHearthError(err, 'HEARTH_ERR_INVALID_INPUT'));
  t.regex(err.message, /Expected a non-negative integer or null for `count`/);
  t.is(server.requests.length, 0);
});

test('a blocking read sends index and wait in the query string, not as headers, and returns the meta', async (t) => {
  const { server, nomad } = await setup(t, (_req, res) =>
    sendJson(res, 200, { ID: 'web' }, { 'x-nomad-index': '42', 'x-nomad-lastcontact': '15', 'x-nomad-knownleader': 'true', 'x-nomad-nexttoken': 'abc' }),
  );
  const { data, meta } = await nomad.jobs.read('web', { index: 41, wait: '30s' });
  t.is(data.ID, 'web');
  t.deepEqual(meta, { lastIndex: 42, lastContactMs: 15, knownLeader: true, nextToken: 'abc' });
  const [req] = server.requests;
  t.is(req?.path, '/v1/job/web');
  t.is(req?.query.get('index'), '41');
  t.is(req?.query.get('wait'), '30000ms');
  t.is(req?.headers['index'], undefined);
  t.is(req?.headers['x-nomad-index'], undefined);
});

test('missing or malformed meta headers read as zero and false', async (t) => {
  const { nomad } = await setup(t, (_req, res) => sendJson(res, 200, [], { 'x-nomad-index': 'nope' }));
  const { meta } = await nomad.nodes.list();
  t.deepEqual(meta, { lastIndex: 0, lastContactMs: 0, knownLeader: false });
});

test('a blocking read whose wait is longer than the default timeout still completes', async (t) => {
  const { nomad } = await setup(
    t,
    (_req, res) => {
      setTimeout(() => sendJson(res, 200, [], { 'x-nomad-index': '5' }), 150);
    },
    { timeoutMs: 50 },
  );
  const { meta } = await nomad.jobs.allocations('web', { index: 4, wait: 1000, all: true });
  t.is(meta.lastIndex, 5);
});

test('deregister sends DELETE with purge and global flags', async (t) => {
  const { server, nomad } = await setup(t, ok);
  await nomad.jobs.deregister('web', { purge: true });
  t.is(server.requests[0]?.method, 'DELETE');
  t.is(server.requests[0]?.path, '/v1/job/web');
  t.is(server.requests[0]?.query.get('purge'), 'true');
  t.false(server.requests[0]?.query.has('global'));
});

test('plan and validate send the job wrapped in Job', async (t) => {
  const { server, nomad } = await setup(t, (_req, res) => sendJson(res, 200, {}));
  await nomad.jobs.plan(job);
  await nomad.jobs.validate(job);
  t.is(server.requests[0]?.path, '/v1/job/web/plan');
  t.deepEqual(JSON.parse(server.requests[0]?.body ?? ''), { Job: job, Diff: true });
  t.is(server.requests[1]?.path, '/v1/validate/job');
  t.deepEqual(JSON.parse(server.requests[1]?.body ?? ''), { Job: job });
});

test('a 404 keeps Nomad plain-text body and maps to HEARTH_ERR_NOT_FOUND', async (t) => {
  const { nomad } = await setup(t, (_req, res) => sendText(res, 404, 'job not found'));
  const err = await t.throwsAsync(nomad.jobs.read('ghost'));
  t.true(err instanceof HttpApiError);
  t.is((err as HttpApiError).code, 'HEARTH_ERR_NOT_FOUND');
  t.is((err as HttpApiError).body, 'job not found');
  t.false(err.message.includes(TOKEN));
});

test('a 500 on register keeps the multierror text under HEARTH_ERR_NOMAD_HTTP', async (t) => {
  const body = '1 error occurred:\n\t* Missing job task groups\n\n';
  const { nomad } = await setup(t, (_req, res) => sendText(res, 500, body));
  const err = await t.throwsAsync(nomad.jobs.register(job));
  t.is((err as HttpApiError).code, 'HEARTH_ERR_NOMAD_HTTP');
  t.is((err as HttpApiError).status, 500);
  t.is((err as HttpApiError).body, body);
});

test('a 403 maps to HEARTH_ERR_ACL_DENIED', async (t) => {
  const { nomad } = await setup(t, (_req, res) => sendText(res, 403, 'Permission denied'));
  const err = await t.throwsAsync(nomad.jobs.list());
  t.true(isHearthError(err, 'HEARTH_ERR_ACL_DENIED'));
});

test('status and agent calls read the leader, peers and the local node', async (t) => {
  const { nomad } = await setup(t, (req, res) => {
    if (req.path === '/v1/status/leader') sendJson(res, 200, '127.0.0.1:4647');
    else if (req.path === '/v1/status/peers') sendJson(res, 200, ['127.0.0.1:4647']);
    else sendJson(res, 200, { config: { NodeName: 'node-a' }, stats: { client: { node_id: 'n-1' } } });
  });
  t.is(await nomad.status.leader(), '127.0.0.1:4647');
  t.deepEqual(await nomad.status.peers(), ['127.0.0.1:4647']);
  t.deepEqual(await nomad.agent.localNode(), { name: 'node-a', id: 'n-1' });
});

test('waitForEvaluation follows an evaluation with blocking reads until it completes', async (t) => {
  let calls = 0;
  const { server, nomad } = await setup(t, (_req, res) => {
    calls += 1;
    sendJson(res, 200, { ID: 'e1', Status: calls < 3 ? 'pending' : 'complete' }, { 'x-nomad-index': String(10 + calls) });
  });
  const evaluation = await nomad.waitForEvaluation('e1', { timeoutMs: 5000 });
  t.is(evaluation.Status, 'complete');
  t.is(server.requests[0]?.query.get('index'), null);
  t.is(server.requests[1]?.query.get('index'), '11');
  t.is(server.requests[2]?.query.get('index'), '12');
});

test('waitForEvaluation gives up with HEARTH_ERR_TIMEOUT', async (t) => {
  const { nomad } = await setup(t, (req, res) => {
    const delay = req.query.has('index') ? 60 : 0;
    setTimeout(() => sendJson(res, 200, { ID: 'e1', Status: 'pending' }, { 'x-nomad-index': '3' }), delay);
  });
  const err = await t.throwsAsync(nomad.waitForEvaluation('e1', { timeoutMs: 100 }));
  t.true(isHearthError(err, 'HEARTH_ERR_TIMEOUT'));
});

test('logs GETs /v1/client/fs/logs plain from the start with the token header and returns the raw text', async (t) => {
  const output = '[\n  {"n_prompt": 512}\n]\n';
  const { server, nomad } = await setup(t, (_req, res) => sendText(res, 200, output));
  const text = await nomad.allocations.logs('5b3f-alloc', 'llama-bench', { type: 'stdout' });
  t.is(text, output);
  const [req] = server.requests;
  t.is(req?.method, 'GET');
  t.is(req?.path, '/v1/client/fs/logs/5b3f-alloc');
  t.deepEqual(Object.fromEntries(req?.query ?? []), { task: 'llama-bench', type: 'stdout', plain: 'true', origin: 'start', offset: '0' });
  t.is(req?.headers['x-nomad-token'], TOKEN);
});

test('readFile GETs /v1/client/fs/cat with the path inside the alloc directory', async (t) => {
  const { server, nomad } = await setup(t, (_req, res) => sendText(res, 200, 'hello\n'), { namespace: 'ml' });
  t.is(await nomad.allocations.readFile('a1', 'alloc/logs/web.stdout.0'), 'hello\n');
  t.is(server.requests[0]?.path, '/v1/client/fs/cat/a1');
  t.is(server.requests[0]?.query.get('path'), 'alloc/logs/web.stdout.0');
  t.is(server.requests[0]?.query.get('namespace'), 'ml');
  t.is(server.requests[0]?.headers['x-nomad-token'], TOKEN);
});

test('an unknown allocation keeps Nomad\'s 404 text, and a 400 stays HEARTH_ERR_NOMAD_HTTP', async (t) => {
  const { nomad } = await setup(t, (req, res) =>
    req.path.endsWith('/ghost') ? sendText(res, 404, 'Unknown allocation "ghost"') : sendText(res, 400, 'must provide task name'),
  );
  const missing = await t.throwsAsync(nomad.allocations.logs('ghost', 'llama-bench', { type: 'stdout' }));
  t.true(missing instanceof HttpApiError);
  t.is((missing as HttpApiError).code, 'HEARTH_ERR_NOT_FOUND');
  t.is((missing as HttpApiError).body, 'Unknown allocation "ghost"');
  const bad = await t.throwsAsync(nomad.allocations.readFile('a1', 'alloc/logs/x.stdout.0'));
  t.is((bad as HttpApiError).code, 'HEARTH_ERR_NOMAD_HTTP');
  t.is((bad as HttpApiError).status, 400);
  t.is((bad as HttpApiError).body, 'must provide task name');
});

test('an empty task name or a negative offset is refused before anything is sent', async (t) => {
  const { server, nomad } = await setup(t, ok);
  await t.throwsAsync(() => nomad.allocations.logs('a1', '', { type: 'stdout' }), { message: /Expected a task name for `task`/ });
  await t.throwsAsync(() => nomad.allocations.logs('a1', 'web', { type: 'stdout', offset: -1 }), { message: /Expected a non-negative integer for `offset`/ });
  t.is(server.requests.length, 0);
});
