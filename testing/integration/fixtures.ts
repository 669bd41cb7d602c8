// Per-test setup with guaranteed teardown: a cluster backend and agents on it.
import type { ExecutionContext } from 'ava';
import { startBackend, type BackendKind, type ClusterBackend } from './backend.js';
import { startAgentProcess, type AgentProcess, type AgentProcessOptions } from './agent-process.js';
import { waitFor } from './wait-for.js';

export async function useCluster(t: ExecutionContext, kind: BackendKind): Promise<ClusterBackend> {
  const backend = await startBackend(kind);
  t.teardown(() => backend.stop());
  return backend;
}

export async function useAgent(
  t: ExecutionContext,
  backend: ClusterBackend,
  options: Partial<AgentProcessOptions> & { nodeIndex?: number } = {},
): Promise<AgentProcess & { nodeName: string }> {
  const node = backend.nodes[options.nodeIndex ?? 0];
  if (node === undefined) throw new Error(`the backend has no node ${options.nodeIndex ?? 0}`);
  const agent = await startAgentProcess({
    nomadAddr: node.nomadAddr,
    consulAddr: node.consulAddr,
    nodeName: node.name,
    listenHost: node.address,
    ...options,
  });
  t.teardown(async () => {
    await agent.stop('SIGKILL');
  });
  return { ...agent, nodeName: node.name };
}

export async function waitForHealth(agent: AgentProcess, status: 'ok' | 'degraded', timeoutMs = 15_000): Promise<{ status: string; reasons: string[] }> {
  return await waitFor(`/health to say ${status}`, async () => {
    const { body } = await agent.getJson('/health');
    return body?.status === status ? (body as { status: string; reasons: string[] }) : undefined;
  }, { timeoutMs });
}
