// The power manager on the real stack for system tests and the benchmark: the
// simulator (real raw_exec processes of testing/fixtures/power-service.mjs,
// real Consul checks), the typed Nomad and Consul clients, and the eBPF
// traffic monitor.
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTrafficMonitor } from '../../agent/bpf/monitor.js';
import { createConsulClient, type ConsulClient } from '../../agent/consul/client.js';
import { isHearthError } from '../../agent/errors.js';
import { createSilentLogger, type Logger } from '../../agent/log.js';
import { createNomadClient, type NomadClient } from '../../agent/nomad/client.js';
import type { Job } from '../../agent/nomad/types.js';
import { adaptConsulClient } from '../../agent/power/consul-adapter.js';
import { createPowerManager, type PowerManager, type PowerManagerDeps } from '../../agent/power/manager.js';
import { adaptTrafficMonitor, type AdaptedMonitor } from '../../agent/power/monitor-adapter.js';
import { adaptNomadClient } from '../../agent/power/nomad-adapter.js';
import { openPowerStateStore } from '../../agent/power/power-state.js';
import type { ConsulPort, NomadPort } from '../../agent/power/ports.js';
import { repoPath } from '../../agent/util/paths.js';
import type { Simulator } from '../sim/index.js';
import { startSimCluster } from '../support/sim-harness.js';

export const NODE_NAME = 'power-node';

export interface PowerCluster {
  readonly sim: Simulator;
  readonly node: { readonly name: string; readonly address: string };
  readonly nomadAddr: string;
  /** The Consul agent of the managed node (the simulator answers on each node's address as that node). */
  readonly consulAddr: string;
  readonly nomad: NomadClient;
  readonly consul: ConsulClient;
  readonly nomadPort: NomadPort;
  readonly consulPort: ConsulPort;
  register(job: Job): Promise<void>;
  stop(): Promise<void>;
}

/** A simulator with one node at `address` (a loopback address of the test's own, or a veth address), modelling deployments as Nomad does. */
export async function startPowerCluster(options: { address: string; log?: Logger }): Promise<PowerCluster> {
  const log = options.log ?? createSilentLogger();
  const started = await startSimCluster({ nodes: [{ name: NODE_NAME, address: options.address }], maxCheckIntervalMs: 200, deployments: true, log });
  const { sim } = started;
  const consulAddr = started.consulAddr.replace('//127.0.0.1:', `//${options.address}:`);
  const nomad = createNomadClient({ addr: started.nomadAddr, log });
  const consul = createConsulClient({ addr: consulAddr, log });
  return {
    sim,
    node: { name: NODE_NAME, address: options.address },
    nomadAddr: started.nomadAddr,
    consulAddr,
    nomad,
    consul,
    nomadPort: adaptNomadClient(nomad),
    consulPort: adaptConsulClient(consul),
    async register(job) {
      await nomad.jobs.register(job);
    },
    async stop() {
      await nomad.close();
      await sim.stop();
    },
  };
}

export interface FixtureJobOptions {
  readonly port: number;
  readonly mode?: 'http' | 'tcp';
  readonly startDelayMs?: number;
  readonly idle?: string;
  readonly powerGroup?: string;
  readonly count?: number;
  readonly node?: string;
  /** Leave out the static port (a job the power manager must refuse). */
  readonly dynamicPort?: boolean;
  /** The health check's interval (default 200 ms; real Nomad wants at least 1 s). */
  readonly checkIntervalMs?: number;
  /**
   * Bind the task to this address and advertise it in Consul. Real Nomad's client on `lo` may give an allocation
   * 127.0.0.1 or ::1 (both are on the interface); a managed service must keep one address.
   */
  readonly address?: string;
}

/** A managed raw_exec job running testing/fixtures/power-service.mjs, pinned to the node, with a static port. */
export function fixtureJob(id: string, options: FixtureJobOptions): Job {
  const mode = options.mode ?? 'http';
  const port = options.dynamicPort === true ? { DynamicPorts: [{ Label: 'http' }] } : { ReservedPorts: [{ Label: 'http', Value: options.port }] };
  return {
    ID: id,
    Type: 'service',
    Datacenters: ['dc1'],
    Meta: {
      'hearth.power': 'managed',
      'hearth.idle_timeout': options.idle ?? '2s',
      ...(options.powerGroup === undefined ? {} : { 'hearth.power_group': options.powerGroup }),
    },
    Constraints: [{ LTarget: '${node.unique.name}', Operand: '=', RTarget: options.node ?? NODE_NAME }],
    TaskGroups: [
      {
        Name: 'app',
        Count: options.count ?? 1,
        Networks: [port],
        Services: [
          {
            Name: id,
            PortLabel: 'http',
            ...(options.address === undefined ? {} : { Address: options.address }),
            Checks: [
              mode === 'http'
                ? { Type: 'http', Path: '/health', Interval: (options.checkIntervalMs ?? 200) * 1e6, Timeout: 1_000_000_000 }
                : { Type: 'tcp', Interval: (options.checkIntervalMs ?? 200) * 1e6, Timeout: 1_000_000_000 },
            ],
          },
        ],
        Tasks: [
          {
            Name: 'server',
            Driver: 'raw_exec',
            Config: { command: process.execPath, args: [repoPath('testing', 'fixtures', 'power-service.mjs')] },
            Env: { MODE: mode, NAME: id, START_DELAY_MS: String(options.startDelayMs ?? 0), ...(options.address === undefined ? {} : { HOST: options.address }) },
            KillTimeout: 2_000_000_000,
          },
        ],
      },
    ],
  };
}

/** A port of the test's own in a range nothing else here uses. */
export function randomServicePort(): number {
  return randomInt(41_000, 49_000);
}

/** A tc priority of this test process's own, so test runs in parallel (and a running agent) leave each other alone. */
export function testTcPriority(): number {
  return 0x5000 + (process.pid % 0x1000);
}

/**
 * Starts the traffic monitor on `interfaces`, waiting while another monitor holds this host's
 * tc slot (one traffic monitor per host: another test may be using it).
 */
export async function startMonitorWhenFree(interfaces: string[], log: Logger, tcPriority = testTcPriority(), waitMs = 120_000): Promise<AdaptedMonitor> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const monitor = adaptTrafficMonitor(createTrafficMonitor({ interfaces, log, tcPriority }));
    try {
      await monitor.start();
      return monitor;
    } catch (err) {
      const busy = isHearthError(err, 'HEARTH_ERR_BPF') && String(err.details['hint'] ?? '').includes('one traffic monitor per host');
      if (!busy || Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
}

export interface PowerAgent {
  readonly manager: PowerManager;
  readonly monitor: AdaptedMonitor;
  readonly stateDir: string;
  stop(): Promise<void>;
}

/** What a power agent needs of a cluster: the simulator's (PowerCluster) or a real Nomad's. */
export interface PowerBackends {
  readonly node: { readonly name: string; readonly address: string };
  readonly nomadPort: NomadPort;
  readonly consulPort: ConsulPort;
}

/** The power manager of the cluster's node, in this process. */
export async function startPowerAgent(
  cluster: PowerBackends,
  options: { interfaces: string[]; holdLimitMs?: number; stateDir?: string; log?: Logger; onChange?: PowerManagerDeps['onChange'] },
): Promise<PowerAgent> {
  const log = options.log ?? createSilentLogger();
  const ownDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'hearth-power-state-')));
  const monitor = await startMonitorWhenFree(options.interfaces, log);
  const manager = createPowerManager({
    log,
    nomad: cluster.nomadPort,
    consul: cluster.consulPort,
    monitor,
    store: await openPowerStateStore(stateDir),
    node: cluster.node,
    holdLimitMs: options.holdLimitMs ?? 60_000,
    tickMs: 200,
    refreshMs: 1000,
    wakePollMs: 20,
    ...(options.onChange === undefined ? {} : { onChange: options.onChange }),
  });
  try {
    await manager.start();
  } catch (err) {
    await monitor.stop();
    throw err;
  }
  return {
    manager,
    monitor,
    stateDir,
    async stop() {
      await manager.stop();
      await monitor.stop();
      if (ownDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}


/** An HTTP GET on a connection of its own (no keep-alive pool that would keep the service awake). */
export function httpGet(url: string, timeoutMs = 60_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}
