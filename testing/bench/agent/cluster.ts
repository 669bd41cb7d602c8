// The benchmark's simulated cluster and the agent process watching it.
import type { SimNodeSpec } from '../../sim/index.js';
import { startSimCluster, type SimCluster, type SimNode } from '../../support/sim-harness.js';
import { startAgentProcess, type AgentProcess } from '../../integration/agent-process.js';
import { waitFor } from '../../support/wait-for.js';

export type BenchNode = SimNode;

export type BenchCluster = SimCluster;

export async function startCluster(nodes: number | SimNodeSpec[] = 3): Promise<BenchCluster> {
  return await startSimCluster({ nodes });
}

/** An agent process for the cluster's first node, logging at info (as in production). */
export async function startBenchAgent(cluster: BenchCluster, nodeArgs: readonly string[] = [], nodeIndex = 0, env: Record<string, string> = {}): Promise<AgentProcess> {
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
    env,
  });
}

export async function waitForExperts(agent: AgentProcess, count: number, timeoutMs = 120_000): Promise<void> {
  await waitFor(`the agent to list ${count} experts`, async () => {
    const { body } = await agent.getJson('/api/v1/experts');
    return (body.experts as unknown[]).length >= count ? true : undefined;
  }, { timeoutMs, intervalMs: 200 });
}
