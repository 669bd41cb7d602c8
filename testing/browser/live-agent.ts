// A live agent for the browser tests and the benchmark: the simulator as Nomad
// and Consul, and the real daemon (in this process) with Mission Control, the
// twin stand-in and the power stand-in. It can be stopped and started again on
// the same port, as an agent that goes away and comes back.
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
import { twinStandIn, type TwinStandInOptions } from '../support/twin-stand-in.js';

export interface LiveAgent {
  readonly url: string;
  readonly port: number;
  readonly sim: Simulator;
  readonly nomadAddr: string;
  readonly consulAddr: string;
  readonly power: PowerStandIn;
  /** Stops the daemon only (the page sees it go); `start` brings it back on the same port. */
  stopAgent(): Promise<void>;
  startAgent(): Promise<void>;
  stop(): Promise<void>;
}

export interface LiveAgentOptions {
  readonly token?: string;
  readonly twin?: TwinStandInOptions;
  readonly powerServices?: readonly string[];
  readonly nodes?: number;
}

export async function startLiveAgent(options: LiveAgentOptions = {}): Promise<LiveAgent> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-browser-'));
  const sim = createSimulator({ nodes: options.nodes ?? 3, maxCheckIntervalMs: 200 });
  const { nomadAddr, consulAddr } = await sim.start();
  const power = powerStandIn(options.powerServices ?? ['prima-api-code', 'prima-api-general']);
  const missionControl = MODULES.find((m) => m.name === 'mission-control');
  if (missionControl === undefined) throw new Error('the mission-control module is not in MODULES');
  const log = createSilentLogger();
  let port = 0;
  let daemon: Daemon | undefined;

  const loaded = (): LoadedConfig => ({
    config: configSchema.parse({
      node: { name: sim.control.nodes()[0]?.name ?? 'node-1' },
      api: { listen: `127.0.0.1:${port}`, ...(options.token === undefined ? {} : { token: options.token }) },
      nomad: { addr: nomadAddr },
      consul: { addr: consulAddr },
      discovery: { wait: '2s' },
      power: { enabled: false },
      state: { dir: join(dir, 'state') },
    }),
    sources: new Map(),
    file: undefined,
  });

  async function startAgent(): Promise<void> {
    const next = createDaemon({ loaded: loaded(), log, modules: [missionControl as (typeof MODULES)[number], twinStandIn(options.twin), power.entry] });
    const bound = await next.start();
    port = bound.port;
    daemon = next;
  }
  await startAgent();

  return {
    get url() { return `http://127.0.0.1:${port}`; },
    get port() { return port; },
    sim,
    nomadAddr,
    consulAddr,
    power,
    async stopAgent() {
      await daemon?.stop();
      daemon = undefined;
    },
    startAgent,
    async stop() {
      await daemon?.stop();
      daemon = undefined;
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
