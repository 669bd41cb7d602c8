import test from 'ava';
import { mockJob, startSim } from './test-support.js';

test('a Nomad blocking query returns when the watched index passes the given one', async (t) => {
  const h = await startSim(t);
  const first = await h.nomad('/v1/jobs');
  const index = Number(first.headers.get('x-nomad-index'));
  t.true(index >= 1);
  const pending = h.nomad(`/v1/jobs?index=${index}&wait=30s`);
  let settled = false;
  void pending.then(() => {
    settled = true;
  });
  await new Promise((r) => setTimeout(r, 200));
  t.false(settled);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('wake') });
  const res = await pending;
  t.true(Number(res.headers.get('x-nomad-index')) > index);
  t.deepEqual((res.json as Array<{ ID: string }>).map((j) => j.ID), ['wake']);
});

test('a Nomad blocking query times out with the same index after a short wait', async (t) => {
  const h = await startSim(t);
  const index = Number((await h.nomad('/v1/jobs')).headers.get('x-nomad-index'));
  const res = await h.nomad(`/v1/jobs?index=${index}&wait=100ms`);
  t.is(res.status, 200);
  t.is(Number(res.headers.get('x-nomad-index')), index);
});

test('bad index and wait values answer 400 with Nomad\'s texts', async (t) => {
  const h = await startSim(t);
  t.like(await h.nomad('/v1/jobs?index=abc'), { status: 400, text: 'Invalid index' });
  t.like(await h.nomad('/v1/jobs?index=1&wait=soon'), { status: 400, text: 'Invalid wait time' });
});

test('a job read does not wake for changes to another job', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('a') });
  const index = Number((await h.nomad('/v1/job/a')).headers.get('x-nomad-index'));
  const pending = h.nomad(`/v1/job/a?index=${index}&wait=400ms`);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('b') });
  const res = await pending;
  t.is(Number(res.headers.get('x-nomad-index')), index);
});

test('a Consul health query blocks until its own service changes, not another one', async (t) => {
  const h = await startSim(t);
  const first = await h.consul('/v1/health/service/web');
  t.deepEqual(first.json, []);
  const index = Number(first.headers.get('x-consul-index'));
  t.true(index >= 1);
  t.is(first.headers.get('x-consul-knownleader'), 'true');
  t.is(first.headers.get('x-consul-default-acl-policy'), 'allow');
  const pending = h.consul(`/v1/health/service/web?index=${index}&wait=20s`);
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'other', Port: 1 } });
  await new Promise((r) => setTimeout(r, 150));
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'web', Port: 80 } });
  const res = await pending;
  t.true(Number(res.headers.get('x-consul-index')) > index);
  t.is((res.json as unknown[]).length, 1);
  const quiet = await h.consul(`/v1/health/service/web?index=${res.headers.get('x-consul-index') ?? ''}&wait=100ms`);
  t.is(quiet.headers.get('x-consul-index'), res.headers.get('x-consul-index'));
});

test('a KV 404 still carries X-Consul-Index and a blocked KV read wakes on the write', async (t) => {
  const h = await startSim(t);
  const missing = await h.consul('/v1/kv/cfg/mode');
  t.is(missing.status, 404);
  t.is(missing.text, '');
  const index = Number(missing.headers.get('x-consul-index'));
  t.true(index >= 1);
  const pending = h.consul(`/v1/kv/cfg/mode?index=${index}&wait=20s`);
  await h.consul('/v1/kv/cfg/mode', { method: 'PUT', raw: 'prod' });
  const res = await pending;
  t.is(res.status, 200);
  t.is(Buffer.from(String((res.json as Array<{ Value: string }>)[0]?.Value), 'base64').toString(), 'prod');
});

test('lowering the Consul index makes a blocked query return a smaller index', async (t) => {
  const h = await startSim(t);
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'web', Port: 80 } });
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'web', ID: 'web-2', Port: 81 } });
  const index = Number((await h.consul('/v1/health/service/web')).headers.get('x-consul-index'));
  const pending = h.consul(`/v1/health/service/web?index=${index}&wait=20s`);
  await new Promise((r) => setTimeout(r, 100));
  h.sim.control.lowerConsulIndex();
  const res = await pending;
  const lowered = Number(res.headers.get('x-consul-index'));
  t.true(lowered < index);
  t.true(lowered >= 1);
});
