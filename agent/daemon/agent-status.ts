// The document GET /api/v1/status answers: who this node is, whether Nomad
// and Consul answer, and the experts the agent knows of.
import type { HearthConfig } from '../config/schema.js';
import type { HealthReport } from './health-model.js';
import type { NodeIdentity } from './node-identity.js';
import type { ReachabilityProbe } from './reachability.js';
import type { ExpertView } from './status-routes.js';

export interface AgentStatusInput {
  readonly node: NodeIdentity;
  readonly version: string;
  readonly startedAt: number;
  readonly config: HearthConfig;
  readonly probes: Readonly<Record<'nomad' | 'consul', ReachabilityProbe>>;
  readonly health: HealthReport;
  readonly experts: readonly ExpertView[];
}

function describeBackend(addr: string, probe: ReachabilityProbe) {
  const state = probe.state();
  return {
    addr,
    reachable: state.reachable,
    since: state.since === 0 ? null : new Date(state.since).toISOString(),
    ...(state.error === undefined || state.reachable ? {} : { error: state.error }),
  };
}

export function readAgentStatus(input: AgentStatusInput) {
  return {
    version: input.version,
    status: input.health.status,
    reasons: input.health.reasons,
    uptimeSeconds: Math.round((Date.now() - input.startedAt) / 1000),
    node: input.node,
    nomad: describeBackend(input.config.nomad.addr, input.probes.nomad),
    consul: describeBackend(input.config.consul.addr, input.probes.consul),
    discovery: { prefix: input.config.discovery.expertPrefix, count: input.experts.length },
    experts: input.experts,
  };
}
