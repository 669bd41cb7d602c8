import test, { type ExecutionContext } from 'ava';
import { HttpApiError, isHearthError } from '../errors.js';
import { startFakeServer, sendText } from '../../testing/support/fake-http-server.js';
import { createSilentLogger } from '../log.js';
import { createConsulClient } from './client.js';
import { createFakeConsulState, startFakeConsul } from '../../testing/support/fake-consul.js';
import { freePort } from '../../testing/support/free-port.js';

const TOKEN = 'consul-secret-31aa';

async function setup(t: ExecutionContext) {
  const state = createFakeConsulState();
  const server = await startFakeConsul(state);
  t.teardown(() => server.close());
  const consul = createConsulClient({ addr: server.url, token: TOKEN, datacenter: 'dc1', log: createSilentLogger() });
  t.teardown(() => consul.close());
  return { state, server, consul };
}

test('registerService PUTs a PascalCase definition with the token header', async (t) => {
  const { server, consul, state } = await setup(t);
  await consul.registerService(
    {
      id: 'hearth-agent-node-1',
      name: 'hearth-agent',
      address: '10.0.0.12',
      port: 8000,
      tags: ['hearth'],
      meta: { node: 'node-1', hearth_version: '0.1.0' },
      checks: [
        { kind: 'http', http: 'http://10.0.0.12:8000/health', interval: '10s', timeout: '2s', deregisterCriticalServiceAfter: '5m' },
        { kind: 'ttl', id: 'hearth-ttl', name: 'heartbeat', ttl: '30s', status: 'passing' },
        { kind: 'tcp', tcp: '10.0.0.12:8000', interval: '5s' },
      ],
    },
    { replaceExistingChecks: true },
  );
  const [req] = server.requests;
  t.is(req?.method, 'PUT');
  t.is(req?.path, '/v1/agent/service/register');
  t.is(req?.query.get('replace-existing-checks'), 'true');
  t.is(req?.headers['x-consul-token'], TOKEN);
  t.deepEqual(JSON.parse(req?.body ?? ''), {
    ID: 'hearth-agent-node-1',
    Name: 'hearth-agent',
    Address: '10.0.0.12',
    Port: 8000,
    Tags: ['hearth'],
    Meta: { node: 'node-1', hearth_version: '0.1.0' },
    Checks: [
      { HTTP: 'http://10.0.0.12:8000/health', Interval: '10s', Timeout: '2s', DeregisterCriticalServiceAfter: '5m' },
      { CheckID: 'hearth-ttl', Name: 'heartbeat', Status: 'passing', TTL: '30s' },
      { TCP: '10.0.0.12:8000', Interval: '5s' },
    ],
  });
  t.true(state.instances.has('hearth-agent-node-1'));
});

test('agent services, one agent service and TTL check updates go to the agent endpoints', async (t) => {
  const { server, consul, state } = await setup(t);
  await consul.registerService({ id: 'w1', name: 'web', port: 80, checks: [{ kind: 'ttl', id: 'w1-ttl', ttl: '30s' }] });
  t.deepEqual(Object.keys(await consul.agentServices()), ['w1']);
  const { data } = await consul.agentService('w1');
  t.is(data.Service, 'web');
  await consul.passCheck('w1-ttl', 'ok');
  t.is(state.instances.get('w1')?.checks.get('w1-ttl'), 'passing');
  await consul.warnCheck('w1-ttl');
  t.is(state.instances.get('w1')?.checks.get('w1-ttl'), 'warning');
  await consul.failCheck('w1-ttl');
  t.is(state.instances.get('w1')?.checks.get('w1-ttl'), 'critical');
  const pass = server.requests.find((r) => r.path === '/v1/agent/check/pass/w1-ttl');
  t.is(pass?.query.get('note'), 'ok');
  t.is(pass?.headers['x-consul-token'], TOKEN);
  await consul.deregisterService('w1');
  t.false(state.instances.has('w1'));
});

test('an unknown agent service or check is HEARTH_ERR_NOT_FOUND with Consul text', async (t) => {
  const { consul } = await setup(t);
  const missing = await t.throwsAsync(consul.agentService('ghost'));
  t.true(isHearthError(missing, 'HEARTH_ERR_NOT_FOUND'));
  const check = await t.throwsAsync(consul.passCheck('ghost-ttl'));
  t.true(check instanceof HttpApiError);
  t.is((check as HttpApiError).code, 'HEARTH_ERR_NOT_FOUND');
  t.is((check as HttpApiError).body, 'Unknown check ID "ghost-ttl". Ensure that the check ID is passed, not the check name.');
  const dereg = await t.throwsAsync(consul.deregisterService('ghost'));
  t.true(isHearthError(dereg, 'HEARTH_ERR_NOT_FOUND'));
});

test('a 403 from Consul is HEARTH_ERR_ACL_DENIED with its text, on package calls and blocking reads alike', async (t) => {
  const { consul, state } = await setup(t);
  state.denyAll = true;
  for (const call of [() => consul.agentServices(), () => consul.catalogServices(), () => consul.kv.get('a')]) {
    const err = await t.throwsAsync(call());
    t.true(isHearthError(err, 'HEARTH_ERR_ACL_DENIED'));
    t.regex(err.message, /Permission denied/);
    t.false(err.message.includes(TOKEN));
  }
});

test('a 500 from Consul keeps the full body under HEARTH_ERR_CONSUL_HTTP', async (t) => {
  const body = `rpc error making call: ${'x'.repeat(120)}`;
  const server = await startFakeServer((_req, res) => sendText(res, 500, body));
  t.teardown(() => server.close());
  const consul = createConsulClient({ addr: server.url, log: createSilentLogger() });
  t.teardown(() => consul.close());
  const err = await t.throwsAsync(consul.agentServices());
  t.is((err as HttpApiError).code, 'HEARTH_ERR_CONSUL_HTTP');
  t.is((err as HttpApiError).body, body);
});

test('a refused connection names Consul, its address and source', async (t) => {
  const port = await freePort();
  const consul = createConsulClient({ addr: `http://127.0.0.1:${port}`, addrSource: 'file /etc/hearth/hearth.yaml', token: TOKEN, log: createSilentLogger() });
  t.teardown(() => consul.close());
  for (const call of [() => consul.agentServices(), () => consul.healthService('web')]) {
    const err = await t.throwsAsync(call());
    t.true(isHearthError(err, 'HEARTH_ERR_UNREACHABLE'));
    t.true(err.message.startsWith(`cannot reach Consul at http://127.0.0.1:${port} (set by file /etc/hearth/hearth.yaml): `));
    t.false(err.message.includes(TOKEN));
  }
});

test('healthService and catalogServices send index, wait, passing and dc as query parameters and return X-Consul-Index', async (t) => {
  const { server, consul, state } = await setup(t);
  await consul.registerService({ id: 'a1', name: 'prima-api-a', port: 1, checks: [{ kind: 'ttl', id: 'a1-ttl', ttl: '30s', status: 'passing' }] });
  const first = await consul.healthService('prima-api-a', { passing: true });
  t.is(first.index, state.index);
  t.is(first.data[0]?.Service.ID, 'a1');
  const pending = consul.healthService('prima-api-a', { index: first.index, wait: '2s', passing: true });
  await consul.failCheck('a1-ttl');
  const second = await pending;
  t.true(second.index > first.index);
  t.deepEqual(second.data, []);
  const blocking = server.requests.find((r) => r.path === '/v1/health/service/prima-api-a' && r.query.has('index'));
  t.is(blocking?.query.get('index'), String(first.index));
  t.is(blocking?.query.get('wait'), '2000ms');
  t.is(blocking?.query.get('passing'), 'true');
  t.is(blocking?.query.get('dc'), 'dc1');
  t.is(blocking?.headers['index'], undefined);
  const catalog = await consul.catalogServices();
  t.deepEqual(Object.keys(catalog.data), ['prima-api-a']);
});

test('healthState reads /v1/health/state/:state as a blocking read and returns X-Consul-Index', async (t) => {
  const { server, consul } = await setup(t);
  await consul.registerService({ id: 'a1', name: 'prima-api-a', port: 1, checks: [{ kind: 'ttl', id: 'a1-ttl', ttl: '30s', status: 'critical' }] });
  const first = await consul.healthState('any');
  t.deepEqual(first.data.map((c) => [c.CheckID, c.Status, c.ServiceName]), [['a1-ttl', 'critical', 'prima-api-a']]);
  const pending = consul.healthState('any', { index: first.index, wait: '2s' });
  await consul.passCheck('a1-ttl');
  const second = await pending;
  t.true(second.index > first.index);
  t.is(second.data[0]?.Status, 'passing');
  const blocking = server.requests.find((r) => r.path === '/v1/health/state/any' && r.query.has('index'));
  t.is(blocking?.query.get('index'), String(first.index));
  t.is(blocking?.query.get('wait'), '2000ms');
  t.deepEqual((await consul.healthState('warning')).data, []);
});

test('KV get, set with cas, list and delete', async (t) => {
  const { consul } = await setup(t);
  t.is(await consul.kv.get('hearth/missing'), undefined);
  t.true(await consul.kv.set('hearth/a', 'one', { cas: 0 }));
  t.false(await consul.kv.set('hearth/a', 'two', { cas: 0 }));
  const entry = await consul.kv.get('hearth/a');
  t.is(entry?.value, 'one');
  t.true(await consul.kv.set('hearth/a', 'two', { cas: entry?.modifyIndex ?? -1 }));
  t.true(await consul.kv.set('hearth/b', 'three'));
  t.deepEqual((await consul.kv.list('hearth/')).map((e) => [e.key, e.value]), [['hearth/a', 'two'], ['hearth/b', 'three']]);
  t.true(await consul.kv.delete('hearth/a'));
  t.is(await consul.kv.get('hearth/a'), undefined);
});
