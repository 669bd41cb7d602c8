// End to end: the agent daemon with its power module (config from the
// environment, as `hearth agent` reads it), the simulator, the eBPF monitor,
// and `hearth power` talking to the daemon's API.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTrafficMonitor, defaultInterfaces } from '../../agent/bpf/monitor.js';
import { loadConfig } from '../../agent/config/load.js';
import { createDaemon } from '../../agent/daemon/daemon.js';
import type { ModuleEntry } from '../../agent/daemon/modules.js';
import { createSilentLogger } from '../../agent/log.js';
import { adaptConsulClient } from '../../agent/power/consul-adapter.js';
import { createPowerModule } from '../../agent/power/module.js';
import { adaptTrafficMonitor } from '../../agent/power/monitor-adapter.js';
import { adaptNomadClient } from '../../agent/power/nomad-adapter.js';
import type { PowerOverview } from '../../agent/power/manager.js';
import { repoPath } from '../../agent/util/paths.js';
import { bpfSkipReason, uniqueLoopback } from '../bpf/helpers.js';
import { fixtureJob, httpGet, randomServicePort, startPowerCluster, testTcPriority } from './harness.js';
import { waitFor } from '../support/wait-for.js';
import { skipAll } from '../support/skip.js';

const run = promisify(execFile);
const skip = bpfSkipReason();
const TOKEN = 'power-daemon-test-token';

/** The daemon's power module, with the monitor on a tc priority of this test's own (parallel runs). */
const powerModule: ModuleEntry = {
  name: 'power',
  create: (deps) =>
    createPowerModule({
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
    }),
};

async function hearth(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [repoPath('bin', 'hearth.js'), ...args], {
      env: { PATH: process.env['PATH'] ?? '', HEARTH_API_TOKEN: TOKEN },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

if (!skipAll("the daemon's power module end to end", skip)) {
  test.serial('the daemon sleeps an idle service, wakes it for a client, and hearth power reports it with its cold-start phases', async (t) => {
    const cluster = await startPowerCluster({ address: uniqueLoopback() });
    t.teardown(() => cluster.stop());
    const stateDir = await mkdtemp(join(tmpdir(), 'hearth-power-daemon-'));
    t.teardown(() => rm(stateDir, { recursive: true, force: true }));
    const port = randomServicePort();
    await cluster.register(fixtureJob('pw-daemon', { port, idle: '2s', startDelayMs: 300 }));
    const url = `http://${cluster.node.address}:${port}/`;
    await waitFor('the service to answer', () => httpGet(url, 2000).then((r) => r.status === 200).catch(() => false), { timeoutMs: 30_000 });

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
    const daemon = createDaemon({ loaded, log: createSilentLogger(), listen: '127.0.0.1:0', modules: [powerModule] });
    const { port: apiPort } = await daemon.start();
    t.teardown(() => daemon.stop());
    const agent = `http://127.0.0.1:${apiPort}`;

    const asleep = await waitFor('sleep', async () => {
      const status = await hearth(['power', 'status', '--json', '--agent', agent]);
      const overview = JSON.parse(status.stdout) as PowerOverview;
      return overview.services.find((s) => s.service === 'pw-daemon' && s.state === 'sleeping');
    }, { timeoutMs: 30_000 });
    t.is(asleep.port, port);

    t.is((await httpGet(url)).body, 'hello from pw-daemon\n');
    const text = await hearth(['power', 'status', '--agent', agent]);
    t.is(text.code, 0, text.stderr);
    t.regex(text.stdout, /^pw-daemon\s+awake\s+.*\(packet\) scale_requested=\S+ allocation_running=\S+ healthy=\S+ first_byte=\S+$/m);

    const setIdle = await hearth(['power', 'set-idle', 'pw-daemon', '10m', '--agent', agent]);
    t.is(setIdle.code, 0, setIdle.stderr);
    const metrics = await (await fetch(`${agent}/metrics`)).text();
    t.regex(metrics, /hearth_power_cold_start_seconds_count\{service="pw-daemon",phase="first_byte"\} 1/);
    t.regex(metrics, /hearth_power_state\{service="pw-daemon",state="awake"\} 1/);
  });
}
