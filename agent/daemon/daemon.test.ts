import test from 'ava';
import { createSilentLogger } from '../log.js';
import { configSchema } from '../config/schema.js';
import type { LoadedConfig } from '../config/load.js';
import type { AgentBackends } from './backends.js';
import type { AgentServiceDefinition } from './agent-service.js';
import type { ExpertView } from './status-routes.js';
import type { ModuleEntry } from './modules.js';
import { createDaemon } from './daemon.js';

interface FakeWorld {
  nomadUp: boolean;
  consulUp: boolean;
  registered: AgentServiceDefinition[];
  deregistered: string[];
  experts: ExpertView[];
  watchStopped: boolean;
}

function fakeBackends(world: FakeWorld): AgentBackends {
  const listeners: ((experts: readonly ExpertView[]) => void)[] = [];
  return {
    nomad: undefined as never,
    consul: undefined as never,
    pingNomad: async () => { if (!world.nomadUp) throw new Error('connect ECONNREFUSED 127.0.0.1:4646'); },
    pingConsul: async () => { if (!world.consulUp) throw new Error('connect ECONNREFUSED 127.0.0.1:8500'); },
    readAgentSelf: async () => ({ nodeName: 'from-nomad', address: '127.0.0.5' }),
    watchExperts: () => ({
      start: async () => listeners.forEach((l) => l(world.experts)),
      stop: async () => { world.watchStopped = true; },
      list: () => world.experts,
      refresh: async () => world.experts,
      health: () => (world.consulUp ? { ok: true } : { ok: false, reason: 'watch failing' }),
      onChange: (listener) => listeners.push(listener),
    }),
    registerAgent: (service) => ({
      start: async () => { world.registered.push(service); },
      stop: async () => { world.deregistered.push(service.id); },
      health: () => ({ ok: true }),
    }),
    close: () => undefined,
  };
}

function loaded(input: unknown): LoadedConfig {
  return { config: configSchema().parse(input), sources: new Map(), file: undefined };
}

function world(): FakeWorld {
  return { nomadUp: true, consulUp: true, registered: [], deregistered: [], experts: [], watchStopped: false };
}

test('the daemon serves health, status and metrics, registers itself and deregisters on stop', async (t) => {
  const w = world();
  w.experts = [{ name: 'prima-api-a', id: 'a', node: 'n1', address: '127.0.0.2', port: 9000, health: 'passing', tags: [] }];
  const daemon = createDaemon({
    loaded: loaded({ node: { name: 'n1' }, api: { listen: '127.0.0.1:0' } }),
    log: createSilentLogger(),
    modules: [],
    probeIntervalMs: 20,
    reachableProbeIntervalMs: 20,
    createBackends: () => fakeBackends(w),
  });
  const { port, node } = await daemon.start();
  t.teardown(() => daemon.stop());
  t.is(node.name, 'n1');
  const base = `http://127.0.0.1:${port}`;
  const health = (await (await fetch(`${base}/health`)).json()) as { status: string };
  t.is(health.status, 'ok');
  const status = (await (await fetch(`${base}/api/v1/status`)).json()) as { node: { name: string }; consul: { reachable: boolean }; experts: ExpertView[] };
  t.is(status.node.name, 'n1');
  t.true(status.consul.reachable);
  t.is(status.experts.length, 1);
  t.regex(await (await fetch(`${base}/metrics`)).text(), /^hearth_experts_discovered 1$/m);
  t.is(w.registered.length, 1);
  t.is(w.registered[0]?.id, 'hearth-agent-n1');
  t.is(w.registered[0]?.check.http, `http://127.0.0.1:${port}/health`);
  await daemon.stop();
  t.deepEqual(w.deregistered, ['hearth-agent-n1']);
  t.true(w.watchStopped);
});

test('the daemon starts degraded when Consul is down and recovers when it returns', async (t) => {
  const w = world();
  w.consulUp = false;
  const daemon = createDaemon({
    loaded: loaded({ node: { name: 'n1' }, api: { listen: '127.0.0.1:0' } }),
    log: createSilentLogger(),
    modules: [],
    probeIntervalMs: 20,
    reachableProbeIntervalMs: 20,
    createBackends: () => fakeBackends(w),
  });
  const { port } = await daemon.start();
  t.teardown(() => daemon.stop());
  const read = async () => (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string; reasons: string[] };
  const down = await read();
  t.is(down.status, 'degraded');
  t.true(down.reasons.some((r) => r.startsWith('consul: cannot reach Consul at http://127.0.0.1:8500')));
  w.consulUp = true;
  let up = await read();
  for (let i = 0; i < 100 && up.status !== 'ok'; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    up = await read();
  }
  t.is(up.status, 'ok');
});

test('a module that fails to start leaves the agent running and degraded with the reason', async (t) => {
  const w = world();
  const broken: ModuleEntry = { name: 'broken', create: () => ({ start: () => { throw new Error('no state dir'); }, stop: () => undefined }) };
  const served: ModuleEntry = {
    name: 'extra',
    create: () => ({ start: () => undefined, stop: () => undefined, routes: [{ method: 'GET', path: '/api/v1/extra', auth: 'none', handler: () => ({ status: 200, json: { extra: true } }) }] }),
  };
  const daemon = createDaemon({
    loaded: loaded({ node: { name: 'n1' }, api: { listen: '127.0.0.1:0' } }),
    log: createSilentLogger(),
    modules: [broken, served],
    probeIntervalMs: 20,
    reachableProbeIntervalMs: 20,
    createBackends: () => fakeBackends(w),
  });
  const { port } = await daemon.start();
  t.teardown(() => daemon.stop());
  const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string; reasons: string[] };
  t.is(health.status, 'degraded');
  t.deepEqual(health.reasons, ['broken: failed to start: no state dir']);
  t.deepEqual(await (await fetch(`http://127.0.0.1:${port}/api/v1/extra`)).json(), { extra: true });
});

test('without a configured node name the node is the one the local Nomad agent names', async (t) => {
  const daemon = createDaemon({
    loaded: loaded({ api: { listen: '127.0.0.1:0' } }),
    log: createSilentLogger(),
    modules: [],
    createBackends: () => fakeBackends(world()),
  });
  const { node } = await daemon.start();
  t.teardown(() => daemon.stop());
  t.deepEqual(node, { name: 'from-nomad', address: '127.0.0.5', source: 'nomad' });
});
