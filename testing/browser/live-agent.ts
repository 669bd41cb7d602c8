// A live agent for the browser tests and the benchmark: the simulator as Nomad
// and Consul, and the real daemon (in this process) with Mission Control, the
// real twin (its model a scripted OpenAI-compatible server registered in
// Consul as prima-api-router) and the power stand-in (the real power manager
// needs eBPF). It can be stopped and started again on the same port, as an
// agent that goes away and comes back; its state dir survives that.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedConfig } from '../../agent/config/load.js';
import { configSchema } from '../../agent/config/schema.js';
import { createDaemon, type Daemon } from '../../agent/daemon/daemon.js';
import { MODULES } from '../../agent/daemon/modules.js';
import { createSilentLogger } from '../../agent/log.js';
import { createSimulator, type Simulator } from '../sim/index.js';
import { powerStandIn, type PowerStandIn } from '../support/power-stand-in.js';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.js';
import { passCheck, registerExpert } from '../integration/consul-http.js';
import { waitFor } from '../support/wait-for.js';
import { scriptRouter } from './scripted-router.js';

export interface LiveAgent {
  readonly url: string;
  readonly port: number;
  readonly sim: Simulator;
  readonly nomadAddr: string;
  readonly consulAddr: string;
  readonly power: PowerStandIn;
  /** The twin's model. */
  readonly router: FakeOpenAi;
  /** The code expert, which the twin routes coding questions to by keyword. */
  readonly code: FakeOpenAi;
  /** Stops the daemon only (the page sees it go); `start` brings it back on the same port. */
  stopAgent(): Promise<void>;
  startAgent(): Promise<void>;
  stop(): Promise<void>;
}

export interface LiveAgentOptions {
  readonly token?: string;
  /** How long a sensitive call waits for a person (default 2m). */
  readonly approvalDeadline?: string;
  /** Pause between streamed words. */
  readonly wordMs?: number;
  readonly powerServices?: readonly string[];
  readonly nodes?: number;
  /** A real OpenAI-compatible server (llama-server) to register as prima-api-router instead of the scripted one. */
  readonly routerPort?: number;
}

export async function startLiveAgent(options: LiveAgentOptions = {}): Promise<LiveAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-browser-'));
  const sim = createSimulator({ nodes: options.nodes ?? 3, maxCheckIntervalMs: 200 });
  const { nomadAddr, consulAddr } = await sim.start();
  const power = powerStandIn(options.powerServices ?? ['prima-api-code', 'prima-api-router']);
  const missionControl = MODULES.find((m) => m.name === 'mission-control');
  const twin = MODULES.find((m) => m.name === 'twin');
  if (missionControl === undefined || twin === undefined) throw new Error('the mission-control and twin modules are not both in MODULES');
  const [router, code] = await Promise.all([startFakeOpenAi(), startFakeOpenAi()]);
  for (const [name, server] of [['prima-api-router', router], ['prima-api-code', code]] as const) {
    scriptRouter(server, { wordMs: options.wordMs ?? 60, onWake: () => power.setState(name, 'awake') });
    const port = name === 'prima-api-router' ? options.routerPort ?? server.port : server.port;
    await passCheck(consulAddr, await registerExpert(consulAddr, { name, id: `${name}-1`, address: '127.0.0.1', port }));
  }
  const log = createSilentLogger();
  let port = 0;
  let daemon: Daemon | undefined;

  const loaded = (): LoadedConfig => ({
    config: configSchema().parse({
      node: { name: sim.control.nodes()[0]?.name ?? 'node-1' },
      api: { listen: `127.0.0.1:${port}`, ...(options.token === undefined ? {} : { token: options.token }) },
      nomad: { addr: nomadAddr },
      consul: { addr: consulAddr },
      discovery: { wait: '2s' },
      power: { enabled: false },
      state: { dir: join(dir, 'state') },
      ...(options.approvalDeadline === undefined ? {} : { approvals: { deadline: options.approvalDeadline } }),
    }),
    sources: new Map(),
    file: undefined,
  });

  async function startAgent(): Promise<void> {
    // The twin reaches the power stand-in's routes as it reaches the power module's in MODULES.
    const withPower = { name: 'twin', create: async (deps: Parameters<typeof power.entry.create>[0]) => (await import('../../agent/twin/module.js')).createTwinModule(deps, { powerRoutes: () => power.routes }) };
    const next = createDaemon({ loaded: loaded(), log, modules: [power.entry, withPower, missionControl as (typeof MODULES)[number]] });
    const bound = await next.start();
    port = bound.port;
    daemon = next;
    await waitFor('the twin to see its expert', async () => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/experts`);
      const { experts } = (await res.json()) as { experts: { id: string; health: string }[] };
      return experts.filter((e) => e.health === 'passing').length >= 2 ? true : undefined;
    }, { timeoutMs: 20_000 });
  }
  await startAgent();

  return {
    get url() { return `http://127.0.0.1:${port}`; },
    get port() { return port; },
    sim,
    nomadAddr,
    consulAddr,
    power,
    router,
    code,
    async stopAgent() {
      await daemon?.stop();
      daemon = undefined;
    },
    startAgent,
    async stop() {
      await daemon?.stop();
      daemon = undefined;
      await sim.stop();
      await router.close();
      await code.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
