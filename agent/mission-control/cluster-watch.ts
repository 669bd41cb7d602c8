// Watches Nomad's nodes and jobs and Consul's hearth agents with blocking
// queries and keeps the latest rows; every change is handed to `onChange`.
import type { Logger } from '../log.js';
import type { AgentBackends } from '../daemon/backends.js';
import { createBlockingLoop, type BlockingLoop } from './blocking-loop.js';
import { toAgentRow, toJobRow, toNodeRow, type AgentRow, type JobRow, type NodeRow } from './cluster-view.js';
import { compareNames } from '../util/compare-names.js';

export interface ClusterSnapshot {
  readonly nodes: readonly NodeRow[];
  readonly jobs: readonly JobRow[];
  readonly agents: readonly AgentRow[];
  /** Why a part is stale, by part ('nomad-nodes', 'nomad-jobs', 'consul-agents'); absent when fresh. */
  readonly errors: Readonly<Record<string, string>>;
}

export type ClusterChange =
  | { readonly part: 'nodes'; readonly nodes: readonly NodeRow[] }
  | { readonly part: 'jobs'; readonly jobs: readonly JobRow[] }
  | { readonly part: 'agents'; readonly agents: readonly AgentRow[] }
  | { readonly part: 'errors'; readonly errors: Readonly<Record<string, string>> };

export interface ClusterWatch {
  start(): void;
  stop(): Promise<void>;
  snapshot(): ClusterSnapshot;
}

export interface ClusterWatchDeps {
  readonly backends: Pick<AgentBackends, 'nomad' | 'consul'>;
  readonly log: Logger;
  /** Longest blocking wait. */
  readonly waitMs: number;
  readonly onChange: (change: ClusterChange) => void;
}

const AGENT_SERVICE = 'hearth-agent';

export function createClusterWatch(deps: ClusterWatchDeps): ClusterWatch {
  let nodes: readonly NodeRow[] = [];
  let jobs: readonly JobRow[] = [];
  let agents: readonly AgentRow[] = [];
  let errors: Record<string, string> = {};
  const wait = deps.waitMs;

  function setError(part: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (errors[part] === message) return;
    errors = { ...errors, [part]: message };
    deps.onChange({ part: 'errors', errors });
  }
  function clearError(part: string): void {
    if (errors[part] === undefined) return;
    const { [part]: _gone, ...rest } = errors;
    errors = rest;
    deps.onChange({ part: 'errors', errors });
  }

  const loops: BlockingLoop[] = [
    createBlockingLoop({
      name: 'nomad-nodes',
      log: deps.log,
      read: async (index, signal) => {
        const res = await deps.backends.nomad.nodes.list({ index, wait, signal });
        return { data: res.data, index: res.meta.lastIndex };
      },
      onData: (data) => {
        clearError('nomad-nodes');
        nodes = data.map(toNodeRow).sort((a, b) => compareNames(a.name, b.name));
        deps.onChange({ part: 'nodes', nodes });
      },
      onError: (err) => setError('nomad-nodes', err),
    }),
    createBlockingLoop({
      name: 'nomad-jobs',
      log: deps.log,
      read: async (index, signal) => {
        const res = await deps.backends.nomad.jobs.list({ index, wait, signal });
        return { data: res.data, index: res.meta.lastIndex };
      },
      onData: (data) => {
        clearError('nomad-jobs');
        jobs = data.map(toJobRow).sort((a, b) => compareNames(a.id, b.id));
        deps.onChange({ part: 'jobs', jobs });
      },
      onError: (err) => setError('nomad-jobs', err),
    }),
    createBlockingLoop({
      name: 'consul-agents',
      log: deps.log,
      read: async (index, signal) => {
        const res = await deps.backends.consul.healthService(AGENT_SERVICE, { index, wait, signal });
        return { data: res.data, index: res.index };
      },
      onData: (data) => {
        clearError('consul-agents');
        agents = data.map(toAgentRow).sort((a, b) => compareNames(a.node, b.node));
        deps.onChange({ part: 'agents', agents });
      },
      onError: (err) => setError('consul-agents', err),
    }),
  ];

  return {
    start: () => loops.forEach((l) => l.start()),
    stop: async () => void (await Promise.all(loops.map((l) => l.stop()))),
    snapshot: () => ({ nodes, jobs, agents, errors }),
  };
}
