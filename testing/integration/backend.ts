// Where the integration suite's Nomad and Consul come from: the simulator
// always, and real `nomad agent -dev` + `consul agent -dev` when both
// binaries are on PATH. Each test file runs its cases once per backend.
import { startSimCluster, type SimNode } from '../support/sim-harness.js';
import { findRealBinaries, startRealCluster } from './real-binaries.js';

export type BackendKind = 'simulator' | 'real';

export interface ClusterBackend {
  readonly kind: BackendKind;
  readonly nomadAddr: string;
  readonly consulAddr: string;
  /** The nodes agents run for: the name, the loopback address its agent listens on, and its local Nomad and Consul. */
  readonly nodes: readonly ClusterNode[];
  pauseConsul(): Promise<void>;
  /** `wipe`: Consul comes back empty, as after a restart without its data. */
  resumeConsul(options: { wipe: boolean }): Promise<void>;
  pauseNomad(): Promise<void>;
  resumeNomad(): Promise<void>;
  stop(): Promise<void>;
}

/** The name, the loopback address its agent listens on, and its local Nomad and Consul. */
export type ClusterNode = SimNode;

/** The backends to run against here: the simulator, plus the real binaries when present. */
export function availableBackends(): { kinds: BackendKind[]; realSkipReason: string | undefined } {
  const real = findRealBinaries();
  return real.available ? { kinds: ['simulator', 'real'], realSkipReason: undefined } : { kinds: ['simulator'], realSkipReason: real.reason };
}

async function startSimulatorBackend(): Promise<ClusterBackend> {
  // Every simulated node also answers on its own address, as that node's local agents.
  const { sim, nomadAddr, consulAddr, nodes } = await startSimCluster({ nodes: 3 });
  return {
    kind: 'simulator',
    nomadAddr,
    consulAddr,
    nodes,
    pauseConsul: async () => sim.control.pauseConsul(),
    resumeConsul: async ({ wipe }) => sim.control.resumeConsul({ wipe }),
    pauseNomad: async () => sim.control.pauseNomad(),
    resumeNomad: async () => sim.control.resumeNomad(),
    stop: () => sim.stop(),
  };
}

async function startRealBackend(): Promise<ClusterBackend> {
  const cluster = await startRealCluster();
  return {
    kind: 'real',
    nomadAddr: cluster.nomadAddr,
    consulAddr: cluster.consulAddr,
    nodes: [{ name: cluster.nodeName, address: '127.0.0.1', nomadAddr: cluster.nomadAddr, consulAddr: cluster.consulAddr }],
    pauseConsul: async () => cluster.pauseConsul(),
    resumeConsul: ({ wipe }) => cluster.resumeConsul(wipe),
    pauseNomad: async () => cluster.pauseNomad(),
    resumeNomad: async () => cluster.resumeNomad(),
    stop: () => cluster.stop(),
  };
}

export function startBackend(kind: BackendKind): Promise<ClusterBackend> {
  return kind === 'simulator' ? startSimulatorBackend() : startRealBackend();
}
