// End to end: a question routed to a prima-api-* expert that hearth put to
// sleep. The agent daemon runs the power module (eBPF monitor on loopback, the
// simulator as Nomad and Consul) and the twin; the twin's own connection to
// the expert's address is what wakes it (held by the power manager until the
// expert answers), and the stream carries the wake with its cold-start phases.
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTrafficMonitor, defaultInterfaces } from '../../agent/bpf/monitor.js';
import { loadConfig } from '../../agent/config/load.js';
import { createDaemon } from '../../agent/daemon/daemon.js';
import type { AgentModule, ModuleEntry } from '../../agent/daemon/modules.js';
import { createSilentLogger } from '../../agent/log.js';
import { adaptConsulClient } from '../../agent/power/consul-adapter.js';
import { createPowerModule } from '../../agent/power/module.js';
import { adaptTrafficMonitor } from '../../agent/power/monitor-adapter.js';
import { adaptNomadClient } from '../../agent/power/nomad-adapter.js';
import type { PowerOverview } from '../../agent/power/manager.js';
import type { Job } from '../../agent/nomad/types.js';
import { createTwinModule } from '../../agent/twin/module.js';
import type { TurnEvent } from '../../agent/twin/events.js';
import { repoPath } from '../../agent/util/paths.js';
import { bpfSkipReason, uniqueLoopback } from '../bpf/helpers.js';
import { fixtureJob, randomServicePort, startPowerCluster, testTcPriority } from '../power/harness.js';
import { waitFor } from '../support/wait-for.js';
import { readSse } from '../support/twin-harness.js';

const skip = bpfSkipReason();
const TOKEN = 'twin-wake-test-token';

function expertJob(id: string, port: number): Job {
  const job = fixtureJob(id, { port, idle: '2s', startDelayMs: 400 });
  const group = job.TaskGroups![0]!;
  const task = group.Tasks![0]!;
  return {
    ...job,
    TaskGroups: [{ ...group, Tasks: [{ ...task, Config: { command: process.execPath, args: [repoPath('dist', 'testing', 'twin', 'expert-process.js')] }, Env: { START_DELAY_MS: '400', REPLY: 'I was asleep, now I answer.' } }] }],
  };
}

if (skip !== undefined) {
  test.skip(`a question to a sleeping expert wakes it (skipped: ${skip})`, () => undefined);
} else {
  test.serial('a question to a sleeping prima-api expert wakes it through the twin\'s own connection, and the stream carries the wake phases', async (t) => {
    const cluster = await startPowerCluster({ address: uniqueLoopback() });
    t.teardown(() => cluster.stop());
    const stateDir = await mkdtemp(join(tmpdir(), 'hearth-twin-wake-'));
    t.teardown(() => rm(stateDir, { recursive: true, force: true }));
    const port = randomServicePort();
    await cluster.register(expertJob('prima-api-code', port));
    await waitFor('the expert to answer', () => fetch(`http://${cluster.node.address}:${port}/health`).then((r) => r.ok).catch(() => false), { timeoutMs: 30_000 });

    let power: AgentModule | undefined;
    const modules: ModuleEntry[] = [
      {
        name: 'power',
        create: (deps) =>
          (power = createPowerModule({
            config: deps.config,
            log: deps.log,
            node: deps.node,
            nomad: adaptNomadClient(deps.backends.nomad),
            consul: adaptConsulClient(deps.backends.consul),
            createMonitor: (options) => adaptTrafficMonitor(createTrafficMonitor({ ...options, tcPriority: testTcPriority() })),
            defaultInterfaces,
            registry: deps.metricsRegistry,
            tickMs: 200,
            refreshMs: 1000,
          })),
      },
      { name: 'twin', create: (deps) => createTwinModule(deps, { powerRoutes: () => power?.routes ?? [] }) },
    ];
    const loaded = loadConfig({
      defaultPath: join(stateDir, 'absent.yaml'),
      env: {
        NOMAD_ADDR: cluster.nomadAddr,
        CONSUL_HTTP_ADDR: cluster.consulAddr,
        HEARTH_NODE_NAME: cluster.node.name,
        HEARTH_NODE_ADDRESS: cluster.node.address,
        HEARTH_STATE_DIR: stateDir,
        HEARTH_API_TOKEN: TOKEN,
        HEARTH_POWER_INTERFACES: 'lo',
        HEARTH_POWER_HOLD_LIMIT: '60s',
      },
    });
    const daemon = createDaemon({ loaded, log: createSilentLogger(), listen: '127.0.0.1:0', modules });
    const { port: apiPort } = await daemon.start();
    t.teardown(() => daemon.stop());
    const agent = `http://127.0.0.1:${apiPort}`;
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

    await waitFor('the expert to sleep', async () => {
      const overview = (await (await fetch(`${agent}/api/v1/power`)).json()) as PowerOverview;
      return overview.services.find((s) => s.service === 'prima-api-code' && s.state === 'sleeping');
    }, { timeoutMs: 60_000 });
    await waitFor('discovery to list the expert', async () => {
      const experts = (await (await fetch(`${agent}/api/v1/experts`)).json()) as unknown;
      return JSON.stringify(experts).includes('prima-api-code');
    }, { timeoutMs: 30_000 });

    const { id } = (await (await fetch(`${agent}/api/v1/conversations`, { method: 'POST', headers })).json()) as { id: string };
    const response = await fetch(`${agent}/api/v1/conversations/${id}/messages`, { method: 'POST', headers, body: JSON.stringify({ text: 'write a python function, please' }) });
    t.is(response.status, 200);
    const events = await readSse(response);
    const kinds = events.map((e) => e.type);
    const routed = events.find((e): e is Extract<TurnEvent, { type: 'routed' }> => e.type === 'routed');
    t.is(routed?.stage, 'first-stage', kinds.join(','));
    const wakes = events.filter((e): e is Extract<TurnEvent, { type: 'wake' }> => e.type === 'wake');
    t.deepEqual(wakes.map((w) => w.state), ['waking', 'awake'], JSON.stringify(events));
    t.is(wakes[0]!.expert, 'prima-api-code');
    const phases = wakes[1]!.phases.map((p) => p.name);
    t.true(phases.includes('scale-requested') && phases.includes('healthy'), `phases: ${phases.join(', ')}`);
    const done = events.find((e): e is Extract<TurnEvent, { type: 'done' }> => e.type === 'done')!;
    t.is(done.finish, 'complete');
    t.is(done.expert, 'prima-api-code');
    t.is(done.text, 'I was asleep, now I answer.');
    const status = (await (await fetch(`${agent}/api/v1/power/prima-api-code`)).json()) as { state: string; lastColdStart?: { trigger: string } };
    t.is(status.state, 'awake');
    t.is(status.lastColdStart?.trigger, 'packet', 'the twin\'s connection woke it, not an operator call');
  });
}
