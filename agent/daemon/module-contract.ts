// What an agent module is: the deps the daemon hands it, its lifecycle
// (start, then stop), its routes and its health part. The MODULES list
// (modules.ts) and each module's entry import these from here, so an entry
// never imports back from the list that imports it.
import type { HearthConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Registry } from 'prom-client';
import type { RequestAuthenticator, Route, UpgradeRoute } from '../http-api/route.js';
import type { PartHealth } from './health-model.js';
import type { NodeIdentity } from './node-identity.js';
import type { AgentBackends } from './backends.js';
import type { EventBus } from './event-bus.js';

export interface ModuleDeps {
  readonly config: HearthConfig;
  /** Already a child logger named after the module. */
  readonly log: Logger;
  readonly node: NodeIdentity;
  /** The Nomad and Consul clients the agent built from the config. */
  readonly backends: AgentBackends;
  /** The agent's Prometheus registry, served on /metrics. */
  readonly metricsRegistry: Registry;
  /** What changed, for Mission Control's WebSocket and other listeners. */
  readonly events: EventBus;
  /** The experts discovery lists now. */
  readonly listExperts: () => readonly unknown[];
}

export interface AgentModule {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
  readonly routes?: readonly Route[];
  /** WebSocket endpoints (Mission Control's event stream). */
  readonly upgrades?: readonly UpgradeRoute[];
  /** Recognises signed-in pages; at most one module may bring one. */
  readonly authenticate?: RequestAuthenticator;
  health?(): PartHealth;
}

export interface ModuleEntry {
  readonly name: string;
  /** May load the module's code first (a module the config leaves off need not be in memory). */
  create(deps: ModuleDeps): AgentModule | Promise<AgentModule>;
}
