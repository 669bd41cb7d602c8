import test from 'ava';
import { createMetrics } from '../metrics/metrics.js';
import { createHealthModel, type PartHealth } from './health-model.js';
import { createStatusRoutes, type ExpertView } from './status-routes.js';
import type { Route, RouteRequest } from '../http-api/route.js';

function setup(part: PartHealth, stopping = false) {
  const health = createHealthModel();
  health.addPart('consul', () => part);
  const metrics = createMetrics({ processMetrics: false });
  const experts: ExpertView[] = [{ name: 'prima-api-a', id: 'a1', node: 'n1', address: '127.0.0.2', port: 9000, health: 'passing', tags: [] }];
  const routes = createStatusRoutes({
    health,
    metrics,
    readStatus: () => ({ node: 'n1' }),
    listExperts: () => experts,
    refreshExperts: async () => experts,
    stopping: () => stopping,
  });
  return { routes, metrics };
}

function request(query = ''): RouteRequest {
  return { method: 'GET', params: {}, query: new URLSearchParams(query), body: undefined, remoteAddress: '127.0.0.1', raw: undefined as never, signal: new AbortController().signal, principal: { kind: 'anonymous' } };
}

function find(routes: Route[], method: string, path: string): Route {
  const route = routes.find((r) => r.method === method && r.path === path);
  if (route === undefined) throw new Error(`no ${method} ${path}`);
  return route;
}

test('health answers 200 ok when every part is ok', async (t) => {
  const { routes } = setup({ ok: true });
  const res = await find(routes, 'GET', '/health').handler(request());
  t.is(res.status, 200);
  t.deepEqual(res.json, { status: 'ok', reasons: [] });
});

test('health answers 200 degraded with reasons, and 503 when asked to be strict', async (t) => {
  const { routes } = setup({ ok: false, reason: 'cannot reach Consul' });
  const relaxed = await find(routes, 'GET', '/health').handler(request());
  t.is(relaxed.status, 200);
  t.deepEqual(relaxed.json, { status: 'degraded', reasons: ['consul: cannot reach Consul'] });
  const strict = await find(routes, 'GET', '/health').handler(request('strict=true'));
  t.is(strict.status, 503);
});

test('health answers 503 while the agent shuts down', async (t) => {
  const { routes } = setup({ ok: true }, true);
  const res = await find(routes, 'GET', '/health').handler(request());
  t.is(res.status, 503);
});

test('the experts refresh endpoint requires the token and the reads do not', (t) => {
  const { routes } = setup({ ok: true });
  t.is(find(routes, 'POST', '/api/v1/experts/refresh').auth, 'token');
  t.is(find(routes, 'GET', '/api/v1/status').auth, 'none');
  t.is(find(routes, 'GET', '/metrics').auth, 'none');
});

test('metrics are served in the Prometheus text format', async (t) => {
  const { routes, metrics } = setup({ ok: true });
  t.teardown(() => metrics.stop());
  const res = await find(routes, 'GET', '/metrics').handler(request());
  t.regex(res.contentType ?? '', /text\/plain/);
  t.regex(res.text ?? '', /# TYPE hearth_experts_discovered gauge/);
});
