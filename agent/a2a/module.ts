// The A2A gateway as an agent module: the agent card and /a2a on the agent's
// API server, asking the twin through its own routes. The A2A SDK is loaded
// at the first request to either (agent/http-api/deferred-routes.ts).
import type { AgentModule } from '../daemon/module-contract.js';
import type { NodeIdentity } from '../daemon/node-identity.js';
import type { HearthConfig } from '../config/schema.js';
import { deferredRoutes } from '../http-api/deferred-routes.js';
import type { Route } from '../http-api/route.js';
import { formatReachableUrl, parseListenAddress } from '../http-api/listen-address.js';
import type { Logger } from '../log.js';
import { hearthVersion } from '../version.js';
import { A2A_PATH, AGENT_CARD_PATH } from './agent-card.js';
import { createTwinRoutesPort } from './twin-routes-port.js';

export interface A2aModuleDeps {
  readonly config: HearthConfig;
  readonly log: Logger;
  readonly node: NodeIdentity;
  readonly listExperts: () => readonly unknown[];
  /** The twin module's routes, once built. */
  readonly twinRoutes: () => readonly Route[];
}

/**
 * The URL peers reach: tools.a2a.publicUrl; else the host and port the peer itself used (its Host header, when
 * it is a plain host:port); else the node's address on the API port.
 */
export function publicBaseUrl(config: HearthConfig, node: NodeIdentity, host: string | undefined): string {
  if (config.tools.a2a.publicUrl !== undefined) return config.tools.a2a.publicUrl;
  if (host !== undefined && /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(host)) return `http://${host}`;
  const { port } = parseListenAddress(config.api.listen);
  return formatReachableUrl({ host: node.address, port });
}

function expertNames(rows: readonly unknown[], prefix: string): { name: string }[] {
  const names = new Set<string>();
  for (const row of rows) {
    const name = (row as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && name.startsWith(prefix)) names.add(name.slice(prefix.length));
  }
  return [...names].sort().map((name) => ({ name }));
}

export function createA2aModule(deps: A2aModuleDeps): AgentModule {
  if (!deps.config.tools.a2a.enabled) return { routes: [], start: () => undefined, stop: () => undefined };
  const experts = () => expertNames(deps.listExperts(), deps.config.discovery.expertPrefix);
  const twin = createTwinRoutesPort({ routes: deps.twinRoutes, experts });
  const routes = deferredRoutes(
    [
      { method: 'GET', path: AGENT_CARD_PATH, auth: 'none' },
      { method: 'POST', path: A2A_PATH, auth: 'token' },
    ],
    async () => {
      const [{ a2aRoutes }, { createTwinExecutor }] = await Promise.all([import('./routes.js'), import('./executor.js')]);
      return a2aRoutes({ baseUrl: (host) => publicBaseUrl(deps.config, deps.node, host), version: hearthVersion(), experts, executor: createTwinExecutor({ twin, log: deps.log }) });
    },
  );
  return {
    routes,
    start: () => undefined,
    stop: () => undefined,
  };
}
