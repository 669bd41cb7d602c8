// Agent modules added beside the core (power manager, join service, ...).
// To add one, append an entry: the daemon creates it with the shared deps,
// starts it after the core, stops it before, serves its routes and folds its
// health into /health. A module that fails to start leaves the agent running,
// degraded, with the failure as the reason.
import { createJoinModule } from '../join/module.js';
import type { AgentModule, ModuleEntry } from './module-contract.js';
import { createPowerEntry } from './power-entry.js';

export type { AgentModule, ModuleDeps, ModuleEntry } from './module-contract.js';

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
