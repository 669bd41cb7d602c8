// An expert's description travels from its Consul service Meta through the
// agent's discovery to the twin's router: the real daemon and twin module,
// the simulator as Consul (which answers Meta as Consul does, see
// testing/contract/consul.cases.ts), a scripted router model. An expert
// without a Meta description is described by its persona file.
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../agent/config/schema.js';
import { createDaemon } from '../../agent/daemon/daemon.js';
import { MODULES } from '../../agent/daemon/modules.js';
import { createSilentLogger } from '../../agent/log.js';
import { createSimulator } from '../sim/index.js';
import { startFakeOpenAi } from '../support/fake-openai.js';
import { waitFor } from '../support/wait-for.js';
import { passCheck, registerExpert } from '../integration/consul-http.js';

const TOKEN = 'twin-meta-token-5d21';
const POEMS = 'Writes sonnets and limericks about the cluster (from Consul Meta).';

test('the router model sees each expert\'s Consul Meta description, or its persona\'s, in its prompt and in route_to_expert\'s schema', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-twin-meta-'));
  const sim = createSimulator({ nodes: 1, maxCheckIntervalMs: 200 });
  const { nomadAddr, consulAddr } = await sim.start();
  const [router, poet, coder] = await Promise.all([startFakeOpenAi(), startFakeOpenAi(), startFakeOpenAi()]);
  const twinEntry = MODULES.find((m) => m.name === 'twin');
  if (twinEntry === undefined) throw new Error('the twin module is not in MODULES');
  const daemon = createDaemon({
    loaded: {
      config: configSchema().parse({
        node: { name: sim.control.nodes()[0]?.name ?? 'node-1' },
        api: { listen: '127.0.0.1:0', token: TOKEN },
        nomad: { addr: nomadAddr },
        consul: { addr: consulAddr },
        discovery: { wait: '2s' },
        power: { enabled: false },
        state: { dir: join(dir, 'state') },
        twin: { recall: 0 },
      }),
      sources: new Map(),
      file: undefined,
    },
    log: createSilentLogger(),
    modules: [twinEntry],
  });
  t.teardown(async () => {
    await daemon.stop();
    await sim.stop();
    await Promise.all([router.close(), poet.close(), coder.close()]);
    rmSync(dir, { recursive: true, force: true });
  });
  for (const [name, server, meta] of [
    ['prima-api-router', router, {}],
    ['prima-api-creative', poet, { description: POEMS }],
    ['prima-api-code', coder, {}],
  ] as const) {
    await passCheck(consulAddr, await registerExpert(consulAddr, { name, id: `${name}-1`, address: '127.0.0.1', port: server.port, meta }));
  }
  const { port } = await daemon.start();
  const url = `http://127.0.0.1:${port}`;
  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  await waitFor('discovery to list the three experts with their Meta', async () => {
    const { experts } = (await (await fetch(`${url}/api/v1/experts`)).json()) as { experts: { name: string; health: string; meta?: Record<string, string> }[] };
    const poets = experts.find((e) => e.name === 'prima-api-creative');
    return experts.filter((e) => e.health === 'passing').length === 3 && poets?.meta?.['description'] === POEMS ? true : undefined;
  }, { timeoutMs: 20_000 });

  router.script({ kind: 'text', chunks: ['Hello!'] });
  const { id } = (await (await fetch(`${url}/api/v1/conversations`, { method: 'POST', headers: auth })).json()) as { id: string };
  const answer = await fetch(`${url}/api/v1/conversations/${id}/messages`, { method: 'POST', headers: auth, body: JSON.stringify({ text: 'hello, who is there?' }) });
  t.is(answer.status, 200);
  t.regex(await answer.text(), /event: done/);

  const asked = router.requests.find((r) => r.path === '/v1/chat/completions');
  if (asked === undefined) return t.fail('the router model was not asked');
  const messages = asked.body['messages'] as { role: string; content: string }[];
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  t.true(system.includes(`prima-api-creative: ${POEMS}`), system);
  t.true(system.includes('prima-api-code: Writes, reviews and explains code'), 'no Meta description: the persona file\'s');
  const tools = asked.body['tools'] as { function: { name: string; parameters: { properties: Record<string, { enum?: string[]; description?: string }> } } }[];
  const route = tools.find((x) => x.function.name === 'route_to_expert');
  const expertArg = route?.function.parameters.properties['expert'];
  t.deepEqual(expertArg?.enum, ['prima-api-code', 'prima-api-creative', 'prima-api-router']);
  t.true(expertArg?.description?.includes(`prima-api-creative: ${POEMS}`) === true, expertArg?.description);
});
