// Where the integration suite's Nomad and Consul come from: the simulator
// always, and real Nomad when a binary is found (testing/support/real-nomad.ts:
// HEARTH_NOMAD_BIN, PATH, ../shared/bin) with the simulator's Consul, or real
// `nomad agent -dev` + `consul agent -dev` when both binaries are on PATH.
// Each test file runs its cases once per backend.
import { realNomadSkipReason, startRealNomad } from '../support/real-nomad.js';
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
  const reason = realNomadSkipReason();
  return reason === undefined ? { kinds: ['simulator', 'real'], realSkipReason: undefined } : { kinds: ['simulator'], realSkipReason: reason };
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

/** Real Nomad whose Consul is the simulator's: Consul outages are the simulator's, Nomad's are the real process gone. */
async function startRealNomadBackend(): Promise<ClusterBackend> {
  const real = await startRealNomad();
  const sim = real.sim;
  if (sim === undefined) {
    await real.stop();
    throw new Error('real Nomad came up with a real Consul; use startRealCluster for that');
  }
  return {
    kind: 'real',
    nomadAddr: real.nomadAddr,
    consulAddr: real.consulAddr,
    nodes: [{ name: real.nodeName, address: '127.0.0.1', nomadAddr: real.nomadAddr, consulAddr: real.consulAddr }],
    pauseConsul: () => sim.control.pauseConsul(),
    resumeConsul: ({ wipe }) => sim.control.resumeConsul({ wipe }),
    pauseNomad: () => real.stopNomad(),
    resumeNomad: () => real.startNomad(),
    stop: () => real.stop(),
  };
}

async function startRealBackend(): Promise<ClusterBackend> {
  if (!findRealBinaries().available) return startRealNomadBackend();
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
