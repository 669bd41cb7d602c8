// The benchmark's simulated cluster and the agent process watching it.
import { createSimulator, type Simulator, type SimNodeSpec } from '../../sim/index.js';
import { startAgentProcess, type AgentProcess } from '../../integration/agent-process.js';
import { waitFor } from '../../integration/wait-for.js';

export interface BenchNode {
  readonly name: string;
  readonly address: string;
  readonly nomadAddr: string;
  readonly consulAddr: string;
}

export interface BenchCluster {
  readonly sim: Simulator;
  readonly nomadAddr: string;
  readonly consulAddr: string;
  readonly nodes: readonly BenchNode[];
  stop(): Promise<void>;
}

function onHost(url: string, host: string): string {
  const parsed = new URL(url);
  parsed.hostname = host;
  return parsed.origin;
}

export async function startCluster(nodes: number | SimNodeSpec[] = 3): Promise<BenchCluster> {
  const sim = createSimulator({ nodes });
  const { nomadAddr, consulAddr } = await sim.start();
  return {
    sim,
    nomadAddr,
    consulAddr,
    nodes: sim.control.nodes().map((n) => ({ name: n.name, address: n.address, nomadAddr: onHost(nomadAddr, n.address), consulAddr: onHost(consulAddr, n.address) })),
    stop: () => sim.stop(),
  };
}

/** An agent process for the cluster's first node, logging at info (as in production). */
export async function startBenchAgent(cluster: BenchCluster, nodeArgs: readonly string[] = [], nodeIndex = 0): Promise<AgentProcess> {
  const node = cluster.nodes[nodeIndex];
  if (node === undefined) throw new Error('the cluster has no node');
  return await startAgentProcess({
    nomadAddr: node.nomadAddr,
    consulAddr: node.consulAddr,
    nodeName: node.name,
    listenHost: node.address,
    logLevel: 'info',
    discoveryWait: '5m',
    nodeArgs,
  });
}

export async function waitForExperts(agent: AgentProcess, count: number, timeoutMs = 120_000): Promise<void> {
  await waitFor(`the agent to list ${count} experts`, async () => {
    const { body } = await agent.getJson('/api/v1/experts');
    return (body.experts as unknown[]).length >= count ? true : undefined;
  }, { timeoutMs, intervalMs: 200 });
}
