// Agent modules added beside the core (power manager, join service, ...).
// To add one, append an entry: the daemon creates it with the shared deps,
// starts it after the core, stops it before, serves its routes and folds its
// health into /health. A module that fails to start leaves the agent running,
// degraded, with the failure as the reason.
import type { ToolInvoker } from '../tools/invoke.js';
import { createJoinModule } from '../join/module.js';
import type { AgentModule, ModuleEntry } from './module-contract.js';
import { createPowerEntry } from './power-entry.js';

export type { AgentModule, ModuleDeps, ModuleEntry } from './module-contract.js';

/**
 * The twin reads power states and sets idle timeouts through the power module's routes, handed over here;
 * MCP serves the twin's tool pipeline (when the twin module offers it as `tools()`, built at the first call) and A2A asks the twin
 * through its routes.
 */
function moduleEntries(): readonly ModuleEntry[] {
  let power: AgentModule | undefined;
  let twin: (AgentModule & { tools?: () => Promise<ToolInvoker | undefined> }) | undefined;
  return [
    { name: 'join', create: (deps) => createJoinModule({ config: deps.config, log: deps.log }) },
    { name: 'power', create: async (deps) => (power = await createPowerEntry(deps)) },
    {
      name: 'twin',
      create: async (deps) => {
        const { createTwinModule } = await import('../twin/module.js');
        return (twin = createTwinModule(deps, { powerRoutes: () => power?.routes ?? [] }));
      },
    },
    {
      name: 'mcp',
      create: async (deps) => {
        const { createMcpModule } = await import('../mcp/module.js');
        return createMcpModule({ config: deps.config, log: deps.log, tools: () => twin?.tools?.() });
      },
    },
    {
      name: 'a2a',
      create: async (deps) => {
        const { createA2aModule } = await import('../a2a/module.js');
        return createA2aModule({ config: deps.config, log: deps.log, node: deps.node, listExperts: deps.listExperts, twinRoutes: () => twin?.routes ?? [] });
      },
    },
    { name: 'mission-control', create: async (deps) => (await import('../mission-control/module.js')).createMissionControlModule(deps) },
  ];
}

export const MODULES: readonly ModuleEntry[] = moduleEntries();
