import test, { type ExecutionContext } from 'ava';
import { createSilentLogger } from '../log.js';
import { createConsulClient } from './client.js';
import { createServiceWatcher, type DiscoveredService, type ServiceWatcher, type ServiceWatcherOptions } from './discovery.js';
import { createFakeConsulState, startFakeConsul, type FakeConsulState } from '../../testing/support/fake-consul.js';
import { waitFor } from '../../testing/support/wait-for.js';

const FAST = { rateLimit: { burst: 2, intervalMs: 20 }, backoff: { baseMs: 10, capMs: 50 } };

/** Resolves with the first list for which `predicate` holds (checked now and on every change). */
function listWhere(
  t: ExecutionContext,
  watcher: { list(): DiscoveredService[] },
  changes: Array<(list: DiscoveredService[]) => void>,
  predicate: (list: DiscoveredService[]) => boolean,
  what: string,
): Promise<DiscoveredService[]> {
  return new Promise((resolve, reject) => {
    if (predicate(watcher.list())) return resolve(watcher.list());
    const timer = setTimeout(() => reject(new Error(`timed out waiting until ${what}`)), 5000);
    changes.push((list) => {
      if (!predicate(list)) return;
      clearTimeout(timer);
      resolve(list);
    });
    t.teardown(() => clearTimeout(timer));
  });
}

async function setup(t: ExecutionContext, state: FakeConsulState = createFakeConsulState(), extra: Partial<ServiceWatcherOptions> = {}) {
  const server = await startFakeConsul(state);
  t.teardown(() => server.close());
  const consul = createConsulClient({ addr: server.url, log: createSilentLogger(), timeoutMs: 2000 });
  t.teardown(() => consul.close());
  const listeners: Array<(list: DiscoveredService[]) => void> = [];
  const watcher: ServiceWatcher = createServiceWatcher({
    consul,
    prefix: 'prima-api-',
    wait: '5s',
    log: createSilentLogger(),
    onChange: (list) => listeners.forEach((listener) => listener(list)),
    ...FAST,
    ...extra,
  });
  t.teardown(() => watcher.stop());
  const until = (predicate: (list: DiscoveredService[]) => boolean, what: string) => listWhere(t, watcher, listeners, predicate, what);
  return { state, server, consul, watcher, until };
}

async function untilBlocked(state: FakeConsulState, count: number): Promise<void> {
  await waitFor(`${count} blocking queries held by the server`, () => state.blocked >= count, { intervalMs: 5 });
}

test('a prefixed service that turns passing appears through a blocking query, with its details', async (t) => {
  const { state, consul, watcher, until } = await setup(t);
  await consul.registerService({ id: 'llama-1', name: 'prima-api-llama', address: '10.0.0.7', port: 9000, tags: ['gpu'], meta: { model: 'q4' }, checks: [{ kind: 'ttl', id: 'llama-ttl', ttl: '30s' }] });
  await consul.registerService({ id: 'other-1', name: 'web', port: 80 });
  watcher.start();
  // The catalog query and the health-state query are both held by the server.
  await untilBlocked(state, 2);
  t.deepEqual(watcher.list(), []);
  await consul.passCheck('llama-ttl');
  const list = await until((l) => l.length === 1, 'llama is listed');
  t.deepEqual(list, [{ name: 'prima-api-llama', id: 'llama-1', node: 'node-1', address: '10.0.0.7', port: 9000, tags: ['gpu'], meta: { model: 'q4' }, health: 'passing' }]);
  t.is(watcher.status().state, 'reachable');
});

test('with include "all", unhealthy instances are listed with their worst check status', async (t) => {
  const { consul, watcher, until } = await setup(t, undefined, { include: 'all' });
  await consul.registerService({ id: 'x-1', name: 'prima-api-x', port: 1, checks: [{ kind: 'ttl', id: 'x-a', ttl: '30s', status: 'passing' }, { kind: 'ttl', id: 'x-b', ttl: '30s', status: 'warning' }] });
  watcher.start();
  const list = await until((l) => l.length === 1, 'x is listed');
  t.is(list[0]?.health, 'warning');
});

test('a service removed from the catalog disappears from the list', async (t) => {
  const { consul, watcher, until } = await setup(t);
  await consul.registerService({ id: 'a-1', name: 'prima-api-a', port: 1, checks: [{ kind: 'ttl', id: 'a-ttl', ttl: '30s', status: 'passing' }] });
  watcher.start();
  await until((l) => l.length === 1, 'a is listed');
  await consul.deregisterService('a-1');
  const list = await until((l) => l.length === 0, 'a is gone');
  t.deepEqual(list, []);
});

test('the watcher reports Consul unreachable while it is away and recovers when it returns', async (t) => {
  const state = createFakeConsulState();
  const { server, consul, watcher, until } = await setup(t, state);
  await consul.registerService({ id: 'a-1', name: 'prima-api-a', port: 1, checks: [{ kind: 'ttl', id: 'a-ttl', ttl: '30s', status: 'passing' }] });
  watcher.start();
  await until((l) => l.length === 1, 'a is listed');
  const port = server.port;
  await server.close();
  while (watcher.status().state !== 'unreachable') await new Promise((resolve) => setTimeout(resolve, 10));
  t.regex(watcher.status().lastError ?? '', /cannot reach Consul at http:\/\/127\.0\.0\.1:\d+/);
  // Consul comes back empty (a dev-mode restart) with a lower index, then the service is registered again.
  state.wipe();
  const again = await startFakeConsul(state, port);
  t.teardown(() => again.close());
  await until((l) => l.length === 0, 'the wiped state is seen');
  await consul.registerService({ id: 'b-1', name: 'prima-api-b', port: 2, checks: [{ kind: 'ttl', id: 'b-ttl', ttl: '30s', status: 'passing' }] });
  const list = await until((l) => l.length === 1 && l[0]?.id === 'b-1', 'b is listed');
  t.is(list[0]?.name, 'prima-api-b');
  t.is(watcher.status().state, 'reachable');
});

test('a 403 is surfaced as acl-denied with Consul text', async (t) => {
  const state = createFakeConsulState();
  state.denyAll = true;
  const { watcher } = await setup(t, state);
  watcher.start();
  while (watcher.status().state !== 'acl-denied') await new Promise((resolve) => setTimeout(resolve, 10));
  t.regex(watcher.status().lastError ?? '', /Permission denied/);
});

test('stop() aborts every blocking query and resolves after all loops end', async (t) => {
  const { state, server, consul, watcher } = await setup(t);
  for (const name of ['a', 'b', 'c']) await consul.registerService({ id: `${name}-1`, name: `prima-api-${name}`, port: 1 });
  watcher.start();
  await untilBlocked(state, 2);
  await watcher.stop();
  // Held requests are released when their connections close.
  while (state.blocked > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  t.is(state.blocked, 0);
  const requestsAtStop = server.requests.length;
  // A change that would wake any loop still running: none may ask again.
  await consul.registerService({ id: 'd-1', name: 'prima-api-d', port: 1 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.deepEqual(server.requests.slice(requestsAtStop).map((r) => r.path), ['/v1/agent/service/register']);
  t.deepEqual(watcher.list(), []);
});

test('watching 50 services holds at most two blocking queries, before and after a change', async (t) => {
  const { state, server, consul, watcher, until } = await setup(t);
  const names = Array.from({ length: 50 }, (_, n) => `prima-api-m${String(n).padStart(2, '0')}`);
  for (const name of names) await consul.registerService({ id: `${name}-1`, name, port: 1, checks: [{ kind: 'ttl', id: `${name}-ttl`, ttl: '30s' }] });
  watcher.start();
  await untilBlocked(state, 2);
  // Every name has been read once (each plain read answers at once) and both loops are held again.
  while (new Set(server.requests.filter((r) => r.path.startsWith('/v1/health/service/')).map((r) => r.path)).size < names.length) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await untilBlocked(state, 2);
  t.is(state.peakBlocked, 2);
  const before = server.requests.length;
  t.true(server.requests.every((r) => !r.path.startsWith('/v1/health/service/') || !r.query.has('index')), 'no blocking health/service read');
  await consul.passCheck('prima-api-m07-ttl');
  const list = await until((l) => l.length === 1, 'm07 is listed');
  t.is(list[0]?.id, 'prima-api-m07-1');
  await untilBlocked(state, 2);
  t.true(state.peakBlocked <= 2, `at most two requests held, saw ${state.peakBlocked}`);
  // Nothing but the two loops and plain reads went out.
  const paths = new Set(server.requests.slice(before).map((r) => r.path.replace(/\/prima-api-.*$/, '/:name')));
  paths.delete('/v1/agent/check/pass/:name');
  t.deepEqual([...paths].filter((p) => !['/v1/catalog/services', '/v1/health/state/any', '/v1/health/service/:name'].includes(p)), []);
});
