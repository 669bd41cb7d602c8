import { createServer, type Server } from 'node:http';
import test from 'ava';
import { startSim } from '../test-support.js';
import { waitFor } from '../../support/wait-for.js';

interface HealthEntry {
  Node: { Node: string; Address: string };
  Service: { ID: string; Service: string; Tags: string[]; Port: number; Address: string; Weights: { Passing: number; Warning: number } };
  Checks: Array<{ CheckID: string; Status: string; ServiceTags: string[]; Type: string; Name: string; Output: string }>;
}

function listen(status: () => number): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((_req, res) => {
      res.statusCode = status();
      res.end('fine');
    });
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr !== null ? addr.port : 0 });
    });
  });
}

test('service registration fills Consul\'s defaults and names embedded checks', async (t) => {
  const h = await startSim(t);
  const reg = await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'web', Port: 8080, Checks: [{ TTL: '30s' }, { CheckID: 'mine', TTL: '30s', Status: 'passing' }] } });
  t.is(reg.status, 200);
  t.is(reg.text, '');
  const svc = (await h.consul('/v1/agent/service/web')).json as { ID: string; Weights: unknown; Tags: unknown[] };
  t.is(svc.ID, 'web');
  t.deepEqual(svc.Weights, { Passing: 1, Warning: 1 });
  t.deepEqual(svc.Tags, []);
  const checks = (await h.consul('/v1/agent/checks')).json as Record<string, { Status: string; Name: string; ServiceID: string }>;
  t.deepEqual(Object.keys(checks).sort(), ['mine', 'service:web:1']);
  t.is(checks['service:web:1']?.Status, 'critical');
  t.is(checks['service:web:1']?.Name, "Service 'web' check");
  t.is(checks.mine?.Status, 'passing');
  const single = await h.consul('/v1/agent/service/register', { method: 'PUT', body: { name: 'db', id: 'db-1', check: { ttl: '10s' } } });
  t.is(single.status, 200);
  t.truthy(((await h.consul('/v1/agent/checks')).json as Record<string, unknown>)['service:db-1']);
  t.like(await h.consul('/v1/agent/service/nope'), { status: 404 });
});

test('unknown service and check IDs answer 404 in plain text', async (t) => {
  const h = await startSim(t);
  t.like(await h.consul('/v1/agent/service/deregister/ghost', { method: 'PUT' }), { status: 404, text: 'Unknown service ID "ghost". Ensure that the service ID is passed, not the service name.' });
  t.like(await h.consul('/v1/agent/check/pass/ghost', { method: 'PUT' }), { status: 404, text: 'Unknown check ID "ghost". Ensure that the check ID is passed, not the check name.' });
  t.like(await h.consul('/v1/agent/check/deregister/ghost', { method: 'PUT' }), { status: 404 });
  t.like(await h.consul('/v1/agent/services', { method: 'POST' }), { status: 405 });
});

test('TTL checks follow pass/warn/fail and expire to critical; passing excludes warnings', async (t) => {
  const h = await startSim(t);
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'api', Tags: ['v1'], Port: 1, Check: { CheckID: 'api-ttl', TTL: '300ms' } } });
  t.deepEqual((await h.consul('/v1/health/service/api?passing')).json, []);
  await h.consul('/v1/agent/check/pass/api-ttl?note=fine', { method: 'PUT' });
  const passing = (await h.consul('/v1/health/service/api?passing')).json as HealthEntry[];
  t.is(passing.length, 1);
  t.deepEqual(passing[0]?.Checks.map((c) => c.CheckID), ['serfHealth', 'api-ttl']);
  t.is(passing[0]?.Checks[1]?.Output, 'fine');
  t.deepEqual(passing[0]?.Checks[1]?.ServiceTags, ['v1']);
  t.deepEqual(passing[0]?.Checks[0]?.ServiceTags, []);
  await h.consul('/v1/agent/check/warn/api-ttl', { method: 'PUT' });
  t.deepEqual((await h.consul('/v1/health/service/api?passing=true')).json, []);
  t.is(((await h.consul('/v1/health/service/api')).json as HealthEntry[]).length, 1);
  await h.consul('/v1/agent/check/update/api-ttl', { method: 'PUT', body: { Status: 'passing', Output: 'ok' } });
  await waitFor('ttl expiry', async () => (((await h.consul('/v1/agent/checks')).json as Record<string, { Status: string }>)['api-ttl']?.Status === 'critical' ? true : undefined));
  t.pass();
});

test('HTTP and TCP checks really run: 2xx passes, 429 warns, refused is critical', async (t) => {
  const h = await startSim(t, { maxCheckIntervalMs: 100 });
  let code = 200;
  const { server, port } = await listen(() => code);
  t.teardown(() => server.close());
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'h', Port: port, Check: { HTTP: `http://127.0.0.1:${port}/`, Interval: '10s' } } });
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'tcp', Port: port, Check: { TCP: `127.0.0.1:${port}`, Interval: '10s' } } });
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'down', Port: 1, Check: { TCP: '127.0.0.1:1', Interval: '10s', Status: 'passing' } } });
  const status = async (id: string): Promise<string | undefined> => ((await h.consul('/v1/agent/checks')).json as Record<string, { Status: string }>)[id]?.Status;
  await waitFor('http passing', async () => ((await status('service:h')) === 'passing' ? true : undefined));
  await waitFor('tcp passing', async () => ((await status('service:tcp')) === 'passing' ? true : undefined));
  await waitFor('refused critical', async () => ((await status('service:down')) === 'critical' ? true : undefined));
  code = 429;
  await waitFor('http warning', async () => ((await status('service:h')) === 'warning' ? true : undefined));
  code = 500;
  await waitFor('http critical', async () => ((await status('service:h')) === 'critical' ? true : undefined));
  h.sim.control.setCheckStatus('service:down', 'passing');
  t.is(await status('service:down'), 'passing');
});

test('a service whose check stays critical past DeregisterCriticalServiceAfter is reaped', async (t) => {
  const h = await startSim(t);
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'reap', Check: { TTL: '10s', DeregisterCriticalServiceAfter: '200ms' } } });
  await waitFor('reaped', async () => ((await h.consul('/v1/agent/service/reap')).status === 404 ? true : undefined), { timeoutMs: 10_000 });
  t.deepEqual((await h.consul('/v1/health/service/reap')).json, []);
});

test('catalog lists services with tags, instances and the simulated nodes', async (t) => {
  const h = await startSim(t);
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'web', ID: 'web-1', Tags: ['v1'], Port: 80, Meta: { a: 'b' } } });
  const services = (await h.consul('/v1/catalog/services')).json as Record<string, string[]>;
  t.deepEqual(services, { consul: [], web: ['v1'] });
  const entries = (await h.consul('/v1/catalog/service/web')).json as Array<Record<string, unknown>>;
  t.like(entries[0], { ServiceID: 'web-1', ServiceName: 'web', ServicePort: 80, ServiceTags: ['v1'], ServiceMeta: { a: 'b' }, Node: 'node-1', Address: '127.0.0.2' });
  const nodes = (await h.consul('/v1/catalog/nodes')).json as Array<{ Node: string }>;
  t.deepEqual(nodes.map((n) => n.Node), ['node-1', 'node-2', 'node-3']);
  t.like((await h.consul('/v1/agent/self')).json, { Config: { NodeName: 'node-1', Datacenter: 'dc1' }, Member: { Name: 'node-1' } });
  t.is((await h.consul('/v1/status/leader')).json, '127.0.0.1:8300');
  await h.consul('/v1/agent/service/deregister/web-1', { method: 'PUT' });
  t.deepEqual((await h.consul('/v1/catalog/services')).json, { consul: [] });
});

test('registrations through a node\'s own address belong to that node', async (t) => {
  const h = await startSim(t);
  const node3 = h.sim.control.nodes()[2];
  if (node3 === undefined) return t.fail('no node 3');
  const port = new URL(h.consulAddr).port;
  const res = await fetch(`http://${node3.address}:${port}/v1/agent/service/register`, { method: 'PUT', body: JSON.stringify({ Name: 'local' }) });
  t.is(res.status, 200);
  const entries = (await h.consul('/v1/health/service/local')).json as HealthEntry[];
  t.is(entries[0]?.Node.Node, node3.name);
  const self = (await (await fetch(`http://${node3.address}:${new URL(h.nomadAddr).port}/v1/agent/self`)).json()) as { config: { NodeName: string } };
  t.is(self.config.NodeName, node3.name);
  return undefined;
});

test('KV stores raw bodies, answers true/false for cas, and lists recursively and by keys', async (t) => {
  const h = await startSim(t);
  t.like(await h.consul('/v1/kv/app/a?cas=0', { method: 'PUT', raw: 'one' }), { status: 200, text: 'true' });
  t.like(await h.consul('/v1/kv/app/a?cas=0', { method: 'PUT', raw: 'two' }), { status: 200, text: 'false' });
  const [entry] = (await h.consul('/v1/kv/app/a')).json as Array<{ Value: string; ModifyIndex: number; Key: string; Flags: number }>;
  t.is(Buffer.from(entry?.Value ?? '', 'base64').toString(), 'one');
  t.like(await h.consul(`/v1/kv/app/a?cas=${(entry?.ModifyIndex ?? 0) + 100}`, { method: 'PUT', raw: 'x' }), { text: 'false' });
  t.like(await h.consul(`/v1/kv/app/a?cas=${entry?.ModifyIndex ?? 0}&flags=42`, { method: 'PUT', raw: 'three' }), { text: 'true' });
  t.is((await h.consul('/v1/kv/app/a?raw')).text, 'three');
  await h.consul('/v1/kv/app/b/c', { method: 'PUT', raw: '' });
  t.deepEqual((await h.consul('/v1/kv/app/?keys')).json, ['app/a', 'app/b/c']);
  t.deepEqual((await h.consul('/v1/kv/app/?keys&separator=/')).json, ['app/a', 'app/b/']);
  const all = (await h.consul('/v1/kv/app?recurse')).json as Array<{ Key: string; Flags: number }>;
  t.deepEqual(all.map((e) => [e.Key, e.Flags]), [['app/a', 42], ['app/b/c', 0]]);
  t.like(await h.consul('/v1/kv/'), { status: 400, text: 'Missing key name' });
  t.like(await h.consul('/v1/kv/app/a', { method: 'POST' }), { status: 405 });
  t.like(await h.consul('/v1/kv/app?recurse', { method: 'DELETE' }), { text: 'true' });
  t.is((await h.consul('/v1/kv/app/a')).status, 404);
});

test('maintenance mode adds a critical check that keeps the instance out of passing results', async (t) => {
  const h = await startSim(t);
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'mx', Check: { TTL: '1h', Status: 'passing' } } });
  t.is(((await h.consul('/v1/health/service/mx?passing')).json as unknown[]).length, 1);
  t.is((await h.consul('/v1/agent/service/maintenance/mx?enable=true&reason=upgrade', { method: 'PUT' })).status, 200);
  t.deepEqual((await h.consul('/v1/health/service/mx?passing')).json, []);
  const checks = (await h.consul('/v1/agent/checks')).json as Record<string, { Status: string; Notes: string }>;
  t.like(checks['_service_maintenance:mx'], { Status: 'critical', Notes: 'upgrade' });
  await h.consul('/v1/agent/service/maintenance/mx?enable=false', { method: 'PUT' });
  t.is(((await h.consul('/v1/health/service/mx?passing')).json as unknown[]).length, 1);
  t.like(await h.consul('/v1/agent/service/maintenance/nope?enable=true', { method: 'PUT' }), { status: 404 });
});

test('SuccessBeforePassing holds a check critical until enough probes succeed', async (t) => {
  const h = await startSim(t, { maxCheckIntervalMs: 50 });
  const { server, port } = await listen(() => 200);
  t.teardown(() => server.close());
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'sb', Port: port, Check: { HTTP: `http://127.0.0.1:${port}/`, Interval: '10s', SuccessBeforePassing: 6 } } });
  const checks = async () => ((await h.consul('/v1/agent/checks')).json as Record<string, { Status: string; Output: string }>)['service:sb'];
  const seen: string[] = [];
  await waitFor('passing after 6 successes', async () => {
    const c = await checks();
    if (c !== undefined && c.Output !== '') seen.push(c.Status);
    return c?.Status === 'passing' ? true : undefined;
  });
  // A probe had already succeeded while the check was still held critical.
  t.is(seen[0], 'critical');
});

test('health/state lists every check (node checks included) by state, and blocks on the checks index only', async (t) => {
  const h = await startSim(t);
  interface StateCheck { Node: string; CheckID: string; Status: string; ServiceID: string; ServiceName: string; ServiceTags: string[] }
  const read = async (path: string) => {
    const res = await h.consul(path);
    return { checks: res.json as StateCheck[], index: Number(res.headers.get('x-consul-index')) };
  };
  const initial = await read('/v1/health/state/any');
  t.is(initial.checks.length, 3);
  t.true(initial.checks.every((c) => c.CheckID === 'serfHealth' && c.ServiceID === '' && c.Status === 'passing'));
  t.true(initial.index >= 1);
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'api', ID: 'api-1', Tags: ['v1'], Port: 1, Check: { CheckID: 'api-ttl', TTL: '60s' } } });
  const any = await read('/v1/health/state/any');
  t.true(any.index > initial.index);
  const api = any.checks.find((c) => c.CheckID === 'api-ttl');
  t.like(api, { Status: 'critical', ServiceID: 'api-1', ServiceName: 'api', ServiceTags: ['v1'] });
  t.deepEqual((await read('/v1/health/state/critical')).checks.map((c) => c.CheckID), ['api-ttl']);
  t.is((await read('/v1/health/state/passing')).checks.length, 3);
  t.deepEqual((await read('/v1/health/state/warning')).checks, []);
  t.deepEqual((await read('/v1/health/state/bogus')).checks, []);

  // A service registered without checks leaves the checks index alone: the blocking read times out.
  const started = Date.now();
  const idle = h.consul(`/v1/health/state/any?index=${any.index}&wait=300ms`);
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'plain', Port: 2 } });
  const quiet = await idle;
  t.is(Number(quiet.headers.get('x-consul-index')), any.index);
  t.true(Date.now() - started >= 250);

  // A status change wakes it, with the higher index.
  const pending = h.consul(`/v1/health/state/any?index=${any.index}&wait=5s`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await h.consul('/v1/agent/check/pass/api-ttl', { method: 'PUT' });
  const woke = await pending;
  t.true(Number(woke.headers.get('x-consul-index')) > any.index);
  t.is((woke.json as StateCheck[]).find((c) => c.CheckID === 'api-ttl')?.Status, 'passing');

  // Deregistering removes its checks and moves the index; a status filter shares it.
  const afterPass = Number(woke.headers.get('x-consul-index'));
  const filtered = h.consul(`/v1/health/state/passing?index=${afterPass}&wait=5s`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await h.consul('/v1/agent/service/deregister/api-1', { method: 'PUT' });
  const gone = await filtered;
  t.true(Number(gone.headers.get('x-consul-index')) > afterPass);
  t.false((gone.json as StateCheck[]).some((c) => c.CheckID === 'api-ttl'));
});
