// The one way tests and benchmarks start the simulated Nomad + Consul
// (testing/sim): started, each simulated node's own addresses listed (the
// simulator answers on a node's address as that node's local agents), and,
// given a test, stopped when the test ends.
import { createSimulator, type Simulator, type SimulatorOptions } from '../sim/index.js';

export interface SimNode {
  readonly name: string;
  readonly address: string;
  readonly nomadAddr: string;
  readonly consulAddr: string;
}

export interface SimCluster {
  readonly sim: Simulator;
  readonly nomadAddr: string;
  readonly consulAddr: string;
  readonly nodes: readonly SimNode[];
  stop(): Promise<void>;
}

/** `url` with its host replaced by `host` (a node's own address). */
export function onHost(url: string, host: string): string {
  const parsed = new URL(url);
  parsed.hostname = host;
  return parsed.origin;
}

async function launch(options: SimulatorOptions, onCreated: (sim: Simulator) => void): Promise<SimCluster> {
  const sim = createSimulator(options);
  onCreated(sim);
  const { nomadAddr, consulAddr } = await sim.start();
  const nodes = sim.control.nodes().map((node) => ({
    name: node.name,
    address: node.address,
    nomadAddr: onHost(nomadAddr, node.address),
    consulAddr: onHost(consulAddr, node.address),
  }));
  return { sim, nomadAddr, consulAddr, nodes, stop: () => sim.stop() };
}

/** A started simulator the caller stops (benchmarks, and backends shared by several tests). */
export async function startSimCluster(options: SimulatorOptions): Promise<SimCluster> {
  let created: Simulator | undefined;
  try {
    return await launch(options, (sim) => (created = sim));
  } catch (err) {
    await created?.stop();
    throw err;
  }
}

/** A started simulator stopped when the test `t` ends (three nodes unless the options say otherwise). */
export async function startSimFor(
  t: { teardown(fn: () => Promise<void> | void): void },
  options: Partial<SimulatorOptions> = {},
): Promise<SimCluster> {
  return await launch({ nodes: 3, ...options }, (sim) => t.teardown(() => sim.stop()));
}
