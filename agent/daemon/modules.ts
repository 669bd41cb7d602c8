// Agent modules added beside the core (power manager, join service, ...).
// To add one, append an entry: the daemon creates it with the shared deps,
// starts it after the core, stops it before, serves its routes and folds its
// health into /health. A module that fails to start leaves the agent running,
// degraded, with the failure as the reason.
import { createJoinModule } from '../join/module.js';
import type { ModuleEntry } from './module-contract.js';
import { createPowerEntry } from './power-entry.js';

export type { AgentModule, ModuleDeps, ModuleEntry } from './module-contract.js';

export const MODULES: readonly ModuleEntry[] = [
  { name: 'join', create: (deps) => createJoinModule({ config: deps.config, log: deps.log }) },
  { name: 'power', create: (deps) => createPowerEntry(deps) },
];
