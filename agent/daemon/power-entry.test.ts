import test from 'ava';
import { createRequire } from 'node:module';
import { Registry } from 'prom-client';
import { configSchema } from '../config/schema.js';
import { createSilentLogger } from '../log.js';
import type { AgentBackends } from './backends.js';
import { createPowerEntry } from './power-entry.js';
import { createEventBus } from './event-bus.js';

test('with power disabled the power module answers that it is disabled, serves its metrics and never loads the native BPF library', async (t) => {
  const registry = new Registry();
  const module = await createPowerEntry({
    config: configSchema().parse({ power: { enabled: false } }),
    log: createSilentLogger(),
    node: { name: 'n1', address: '127.0.0.1', source: 'config' },
    backends: { nomad: {}, consul: {} } as unknown as AgentBackends,
    metricsRegistry: registry,
    events: createEventBus(createSilentLogger()),
    listExperts: () => [],
  });
  await module.start();
  t.deepEqual(module.health?.(), { ok: true });
  const overview = module.routes?.find((r) => r.method === 'GET' && r.path === '/api/v1/power');
  if (overview === undefined) return t.fail('no GET /api/v1/power route');
  t.throws(() => overview.handler({} as never), { message: /power management is disabled/ });
  t.regex(await registry.metrics(), /hearth_power_/);
  await module.stop();
  const loaded = Object.keys(createRequire(import.meta.url).cache);
  t.false(loaded.some((path) => path.includes('/node_modules/koffi/')), 'koffi was loaded');
});
