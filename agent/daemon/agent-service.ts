// The Consul registration of the agent itself: service `hearth-agent`, one ID
// per node, Meta with the version and node name, and an HTTP check on /health.
import type { ListenAddress } from '../http-api/listen-address.js';
import type { NodeIdentity } from './node-identity.js';

export const AGENT_SERVICE_NAME = 'hearth-agent';

export interface AgentServiceDefinition {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly tags: readonly string[];
  readonly meta: Readonly<Record<string, string>>;
  readonly check: {
    readonly http: string;
    readonly interval: string;
    readonly timeout: string;
    readonly deregisterCriticalServiceAfter: string;
  };
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

export function buildAgentService(input: { node: NodeIdentity; version: string; listen: ListenAddress; port: number }): AgentServiceDefinition {
  // Consul checks the address the agent really listens on; a wildcard listener is checked on the node's address.
  const address = isWildcard(input.listen.host) ? input.node.address : input.listen.host;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    id: `${AGENT_SERVICE_NAME}-${input.node.name}`,
    name: AGENT_SERVICE_NAME,
    address,
    port: input.port,
    tags: ['hearth'],
    meta: { hearth_version: input.version, node: input.node.name },
    check: {
      http: `http://${host}:${input.port}/health`,
      interval: '10s',
      timeout: '2s',
      deregisterCriticalServiceAfter: '30m',
    },
  };
}
