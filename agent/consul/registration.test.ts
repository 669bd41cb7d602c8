import test, { type ExecutionContext } from 'ava';
import { createLogger, createSilentLogger } from '../log.js';
import { createConsulClient } from './client.js';
import { createFakeConsulState, startFakeConsul, type FakeConsulState } from '../../testing/support/fake-consul.js';
import { createSelfRegistration } from './registration.js';
import type { ServiceDefinition } from './types.js';
import { waitFor } from '../../testing/support/wait-for.js';

const service: ServiceDefinition = {
  id: 'hearth-agent-node-1',
  name: 'hearth-agent',
  address: '127.0.0.1',
  port: 8000,
  meta: { hearth_version: '0.1.0', node: 'node-1' },
  checks: [{ kind: 'http', http: 'http://127.0.0.1:8000/health', interval: '10s', timeout: '2s' }],
};


async function setup(t: ExecutionContext, state: FakeConsulState = createFakeConsulState()) {
  const server = await startFakeConsul(state);
  t.teardown(() => server.close());
  const consul = createConsulClient({ addr: server.url, log: createSilentLogger(), timeoutMs: 2000 });
  t.teardown(() => consul.close());
  const registration = createSelfRegistration({
    consul,
    service,
    log: createSilentLogger(),
    wait: '2s',
    rateLimit: { burst: 2, intervalMs: 50 },
    backoff: { baseMs: 10, capMs: 100 },
  });
  t.teardown(() => registration.stop());
  return { state, server, consul, registration };
}

test('start registers the service with its meta and check', async (t) => {
  const { state, registration } = await setup(t);
  await registration.start();
  t.true(registration.registered());
  const instance = state.instances.get('hearth-agent-node-1');
  t.is(instance?.name, 'hearth-agent');
  t.deepEqual(instance?.meta, { hearth_version: '0.1.0', node: 'node-1' });
  t.is(instance?.checks.size, 1);
});

test('the service is registered again after Consul comes back without it', async (t) => {
  const state = createFakeConsulState();
  const { server, registration } = await setup(t, state);
  await registration.start();
  const port = server.port;
  await server.close();
  state.wipe();
  t.false(state.instances.has('hearth-agent-node-1'));
  const again = await startFakeConsul(state, port);
  t.teardown(() => again.close());
  await waitFor('the service is back', () => state.instances.has('hearth-agent-node-1'), { timeoutMs: 5000 });
  t.is(state.instances.get('hearth-agent-node-1')?.port, 8000);
});

test('a registration wiped while Consul stays up is restored', async (t) => {
  const { state, registration } = await setup(t);
  await registration.start();
  state.wipe();
  await waitFor('the service is back', () => state.instances.has('hearth-agent-node-1') && registration.registered(), { timeoutMs: 5000 });
  t.true(state.instances.has('hearth-agent-node-1'));
});

test('start succeeds while Consul is away and registers once it is reachable', async (t) => {
  const state = createFakeConsulState();
  const { server, registration } = await setup(t, state);
  const port = server.port;
  await server.close();
  await registration.start();
  t.false(registration.registered());
  const again = await startFakeConsul(state, port);
  t.teardown(() => again.close());
  await waitFor('the service is registered', () => registration.registered(), { timeoutMs: 5000 });
  t.true(state.instances.has('hearth-agent-node-1'));
});

test('stop deregisters the service and ends the loop', async (t) => {
  const { state, server, registration } = await setup(t);
  await registration.start();
  await registration.stop();
  t.false(state.instances.has('hearth-agent-node-1'));
  t.false(registration.registered());
  const requestsAtStop = server.requests.length;
  await new Promise((resolve) => setTimeout(resolve, 150));
  t.is(server.requests.length, requestsAtStop);
  t.is(server.requests.at(-1)?.path, '/v1/agent/service/deregister/hearth-agent-node-1');
});

test('failures are logged with Consul text but never with the token', async (t) => {
  const state = createFakeConsulState();
  state.denyAll = true;
  const server = await startFakeConsul(state);
  t.teardown(() => server.close());
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  const token = 'consul-secret-77d0';
  const consul = createConsulClient({ addr: server.url, token, log, timeoutMs: 2000 });
  t.teardown(() => consul.close());
  const registration = createSelfRegistration({ consul, service, log, backoff: { baseMs: 10, capMs: 50 }, stopTimeoutMs: 500 });
  await registration.start();
  await registration.stop();
  t.true(server.requests.every((r) => r.headers['x-consul-token'] === token));
  t.true(lines.some((line) => line.includes('Permission denied')));
  t.false(lines.some((line) => line.includes(token)));
});
