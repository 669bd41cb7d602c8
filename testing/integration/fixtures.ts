// Per-test setup with guaranteed teardown: a cluster backend and agents on it.
import type { ExecutionContext } from 'ava';
import { startBackend, type BackendKind, type ClusterBackend } from './backend.js';
import { startAgentProcess, type AgentProcess, type AgentProcessOptions } from './agent-process.js';
import { waitFor } from '../support/wait-for.js';

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

/** Waits for /health to say `status`; with `reason`, also for a reason starting with it ("consul:"). */
export async function waitForHealth(agent: AgentProcess, status: 'ok' | 'degraded', reason?: string): Promise<{ status: string; reasons: string[] }> {
  return await waitFor(`/health to say ${status}${reason === undefined ? '' : ` because of ${reason}`}`, async () => {
    const { body } = await agent.getJson('/health');
    const health = body as { status: string; reasons: string[] } | undefined;
    if (health?.status !== status) return undefined;
    return reason === undefined || health.reasons.some((r) => r.startsWith(reason)) ? health : undefined;
  }, { timeoutMs: 20_000 });
}
