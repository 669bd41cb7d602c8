// Agent modules added beside the core (power manager, join service, ...).
// To add one, append an entry: the daemon creates it with the shared deps,
// starts it after the core, stops it before, serves its routes and folds its
// health into /health. A module that fails to start leaves the agent running,
// degraded, with the failure as the reason.
import type { HearthConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Registry } from 'prom-client';
import type { Route } from '../http-api/route.js';
import type { PartHealth } from './health-model.js';
import type { NodeIdentity } from './node-identity.js';
import type { AgentBackends } from './backends.js';
import type { EventBus } from './event-bus.js';
import { createJoinModule } from '../join/module.js';
import { createPowerEntry } from './power-entry.js';

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
  health?(): PartHealth;
}

export interface ModuleEntry {
  readonly name: string;
  /** May load the module's code first (a module the config leaves off need not be in memory). */
  create(deps: ModuleDeps): AgentModule | Promise<AgentModule>;
}

/** The twin reads power states and sets idle timeouts through the power module's routes, handed over here. */
function moduleEntries(): readonly ModuleEntry[] {
  let power: AgentModule | undefined;
  return [
    { name: 'join', create: (deps) => createJoinModule({ config: deps.config, log: deps.log }) },
    { name: 'power', create: async (deps) => (power = await createPowerEntry(deps)) },
    {
      name: 'twin',
      create: async (deps) => {
        const { createTwinModule } = await import('../twin/module.js');
        return createTwinModule(deps, { powerRoutes: () => power?.routes ?? [] });
      },
    },
  ];
}

export const MODULES: readonly ModuleEntry[] = moduleEntries();
