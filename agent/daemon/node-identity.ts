// Which Nomad node this agent runs on: `node.name` from the config when set
// (several agents can then share one machine, one per simulated node), else
// what the local Nomad agent says (/v1/agent/self), else the hostname.
import { hostname } from 'node:os';
import type { Logger } from '../log.js';

export interface NodeIdentity {
  readonly name: string;
  /** The address this node's services are reached at. */
  readonly address: string;
  readonly source: 'config' | 'nomad' | 'hostname';
}

export interface AgentSelfFacts {
  readonly nodeName?: string | undefined;
  readonly address?: string | undefined;
}

export interface NodeIdentityOptions {
  readonly configured: { readonly name?: string | undefined; readonly address?: string | undefined };
  /** Asks the local Nomad agent who it is. */
  readonly readAgentSelf: () => Promise<AgentSelfFacts>;
  /** Used when neither the config nor Nomad names an address: the API's own listen host. */
  readonly fallbackAddress: string;
  readonly log: Logger;
  readonly hostname?: () => string;
}

export async function resolveNodeIdentity(options: NodeIdentityOptions): Promise<NodeIdentity> {
  const { configured, log } = options;
  let facts: AgentSelfFacts = {};
  if (configured.name === undefined || configured.address === undefined) {
    try {
      facts = await options.readAgentSelf();
    } catch (err) {
      log.warn({ err }, 'cannot ask the local Nomad agent which node this is');
    }
  }
  const address = configured.address ?? facts.address ?? options.fallbackAddress;
  if (configured.name !== undefined) return { name: configured.name, address, source: 'config' };
  if (facts.nodeName !== undefined && facts.nodeName !== '') return { name: facts.nodeName, address, source: 'nomad' };
  return { name: (options.hostname ?? hostname)(), address, source: 'hostname' };
}
