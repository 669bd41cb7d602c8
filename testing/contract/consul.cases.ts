// The Consul behaviours hearth and Nomad rely on, written once and run
// against the simulator's Consul, the unit tests' fake-consul and, when a
// `consul` binary is on PATH, real Consul (consul-*.test.ts).
import { call, type ContractCase } from './target.js';

export type ConsulKind = 'simulator' | 'fake' | 'real';

export interface ConsulTarget {
  readonly kind: ConsulKind;
  readonly consulAddr: string;
}

const GO_DURATION = /^-?(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const FAKE_SERVES_ONLY_HEARTH = 'fake-consul serves only the reads hearth makes (agent/consul); Nomad is the one that lists agent checks';

function register(target: ConsulTarget, id: string, name: string, extra: Record<string, unknown> = {}) {
  return call(target.consulAddr, 'PUT', '/v1/agent/service/register', {
    ID: id, Name: name, Address: '127.0.0.1', Port: 9200, Tags: ['contract', 'v1'], Meta: { m: '1' },
    Checks: [{ CheckID: `${id}-ttl`, Name: 'ready', TTL: '30s', Status: 'critical' }],
    ...extra,
  });
}

async function health(target: ConsulTarget, name: string, query = ''): Promise<{ index: number; entries: Array<{ Service: { ID: string; Port: number; Tags: string[] }; Checks: Array<{ CheckID: string; Status: string }> }> }> {
  const reply = await call(target.consulAddr, 'GET', `/v1/health/service/${name}${query}`);
  return { index: Number(reply.headers.get('x-consul-index')), entries: reply.json as never };
}

export const CONSUL_CASES: ReadonlyArray<ContractCase<ConsulKind, ConsulTarget>> = [
  {
    title: 'an agent service is listed with its port and tags, and deregistering it twice is a 404 with Consul\'s text',
    async run(t, target) {
      t.is((await register(target, 'c-svc-1', 'c-svc')).status, 200);
      const services = (await call(target.consulAddr, 'GET', '/v1/agent/services')).json as Record<string, { Service: string; Port: number; Tags: string[] }>;
      t.like(services['c-svc-1'], { Service: 'c-svc', Port: 9200, Tags: ['contract', 'v1'] });
      const one = await call(target.consulAddr, 'GET', '/v1/agent/service/c-svc-1');
      t.is(one.status, 200);
      t.like(one.json, { ID: 'c-svc-1', Service: 'c-svc' });
      t.is((await call(target.consulAddr, 'PUT', '/v1/agent/service/deregister/c-svc-1')).status, 200);
      const again = await call(target.consulAddr, 'PUT', '/v1/agent/service/deregister/c-svc-1');
      t.is(again.status, 404);
      t.regex(again.text, /Unknown service ID "c-svc-1"/);
      t.is((await call(target.consulAddr, 'GET', '/v1/agent/service/c-svc-1')).status, 404);
    },
  },
  {
    title: 'agent checks are listed with every duration written as Go writes it (never "")',
    skip: { fake: FAKE_SERVES_ONLY_HEARTH },
    async run(t, target) {
      t.teardown(async () => {
        await call(target.consulAddr, 'PUT', '/v1/agent/service/deregister/c-checks-1');
      });
      t.is((await register(target, 'c-checks-1', 'c-checks', {
        Checks: [
          { CheckID: 'c-checks-1-ttl', Name: 'ready', TTL: '30s', Status: 'critical' },
          { CheckID: 'c-checks-1-tcp', Name: 'port', TCP: '127.0.0.1:1', Interval: '10s', Timeout: '2s' },
        ],
      })).status, 200);
      const checks = (await call(target.consulAddr, 'GET', '/v1/agent/checks')).json as Record<string, { ServiceID: string; Type: string; Definition: Record<string, unknown> }>;
      t.is(checks['c-checks-1-ttl']?.ServiceID, 'c-checks-1');
      t.is(checks['c-checks-1-ttl']?.Type, 'ttl');
      t.is(checks['c-checks-1-tcp']?.Type, 'tcp');
      for (const [id, check] of Object.entries(checks)) {
        for (const key of ['Interval', 'Timeout', 'DeregisterCriticalServiceAfter', 'TTL']) {
          const value = check.Definition[key];
          if (value !== undefined) t.regex(String(value), GO_DURATION, `${id} Definition.${key} = ${JSON.stringify(value)}`);
        }
      }
      t.is(checks['c-checks-1-tcp']?.Definition.Interval, '10s');
    },
  },
  {
    title: 'health with ?passing hides an instance until its TTL check passes, and a failed check hides it again',
    async run(t, target) {
      t.teardown(async () => {
        await call(target.consulAddr, 'PUT', '/v1/agent/service/deregister/c-health-1');
      });
      t.is((await register(target, 'c-health-1', 'c-health')).status, 200);
      t.is((await health(target, 'c-health')).entries.length, 1);
      t.deepEqual((await health(target, 'c-health', '?passing')).entries, []);
      t.is((await call(target.consulAddr, 'PUT', '/v1/agent/check/pass/c-health-1-ttl')).status, 200);
      const passing = await health(target, 'c-health', '?passing');
      t.deepEqual(passing.entries.map((e) => e.Service.ID), ['c-health-1']);
      t.true(passing.entries[0]?.Checks.some((c) => c.CheckID === 'c-health-1-ttl' && c.Status === 'passing'));
      t.is((await call(target.consulAddr, 'PUT', '/v1/agent/check/fail/c-health-1-ttl')).status, 200);
      t.deepEqual((await health(target, 'c-health', '?passing')).entries, []);
      const unknown = await call(target.consulAddr, 'PUT', '/v1/agent/check/pass/no-such-check');
      t.is(unknown.status, 404);
    },
  },
  {
    title: 'a blocking health query holds until the service changes and then answers with a higher index',
    async run(t, target) {
      t.teardown(async () => {
        await call(target.consulAddr, 'PUT', '/v1/agent/service/deregister/c-block-1');
      });
      t.is((await register(target, 'c-block-1', 'c-block')).status, 200);
      const first = await health(target, 'c-block', '?passing');
      t.true(first.index >= 1);
      // Nothing changes: the query answers at the end of its wait with the same index.
      const idle = await health(target, 'c-block', `?passing&index=${first.index}&wait=1s`);
      t.is(idle.index, first.index);
      const held = health(target, 'c-block', `?passing&index=${first.index}&wait=60s`);
      let answered = false;
      void held.then(() => {
        answered = true;
      });
      await new Promise((r) => setTimeout(r, 300));
      t.false(answered, 'the query is still held');
      t.is((await call(target.consulAddr, 'PUT', '/v1/agent/check/pass/c-block-1-ttl')).status, 200);
      const changed = await held;
      t.true(changed.index > first.index);
      t.deepEqual(changed.entries.map((e) => e.Service.ID), ['c-block-1']);
    },
  },
  {
    title: 'the catalog lists a service name with its tags and forgets it once its last instance is deregistered',
    async run(t, target) {
      t.is((await register(target, 'c-cat-1', 'c-cat')).status, 200);
      const names = (await call(target.consulAddr, 'GET', '/v1/catalog/services')).json as Record<string, string[]>;
      t.deepEqual([...(names['c-cat'] ?? [])].sort(), ['contract', 'v1']);
      t.is((await call(target.consulAddr, 'PUT', '/v1/agent/service/deregister/c-cat-1')).status, 200);
      const after = (await call(target.consulAddr, 'GET', '/v1/catalog/services')).json as Record<string, string[]>;
      t.false('c-cat' in after);
    },
  },
  {
    title: 'the catalog entry of a service names its node, address, port and meta',
    async run(t, target) {
      t.teardown(async () => {
        await call(target.consulAddr, 'PUT', '/v1/agent/service/deregister/c-entry-1');
      });
      t.is((await register(target, 'c-entry-1', 'c-entry')).status, 200);
      const entries = (await call(target.consulAddr, 'GET', '/v1/catalog/service/c-entry')).json as Array<{ Node: string; ServiceID: string; ServiceAddress: string; ServicePort: number; ServiceMeta: Record<string, string> }>;
      t.is(entries.length, 1);
      t.like(entries[0], { ServiceID: 'c-entry-1', ServiceAddress: '127.0.0.1', ServicePort: 9200, ServiceMeta: { m: '1' } });
      t.not(entries[0]?.Node ?? '', '');
    },
  },
  {
    title: 'a service\'s Meta comes back from health as Service.Meta, as registered (the twin reads an expert\'s description there)',
    async run(t, target) {
      t.teardown(async () => {
        await call(target.consulAddr, 'PUT', '/v1/agent/service/deregister/c-meta-1');
      });
      const meta = { model: 'qwen2.5-coder-7b', backend: 'llamacpp', description: 'Writes and fixes code; knows Python and TypeScript.' };
      t.is((await register(target, 'c-meta-1', 'c-meta', { Meta: meta })).status, 200);
      const entries = (await call(target.consulAddr, 'GET', '/v1/health/service/c-meta')).json as Array<{ Service: { ID: string; Meta: Record<string, string> | null } }>;
      t.is(entries.length, 1);
      t.deepEqual(entries[0]?.Service.Meta, meta);
      const catalog = (await call(target.consulAddr, 'GET', '/v1/catalog/service/c-meta')).json as Array<{ ServiceMeta: Record<string, string> }>;
      t.deepEqual(catalog[0]?.ServiceMeta, meta);
    },
  },
];
