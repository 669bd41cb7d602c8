// MCP as an agent module: /mcp on the agent's API server, calling the tool
// pipeline the twin built (handed over by the composition of modules). Until
// that pipeline exists the endpoint lists no tools and says why on a call
// (it does not mark the agent degraded: MCP is an extra way in, not a part).
import type { AgentModule } from '../daemon/module-contract.js';
import type { HearthConfig } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { InvocationResult } from '../tools/invoke.js';
import { hearthVersion } from '../version.js';
import { mcpRoutes } from './http-routes.js';
import type { ToolCallPort } from './invoker-port.js';

export function createMcpModule(deps: { config: HearthConfig; log: Logger; tools: () => ToolCallPort | undefined | Promise<ToolCallPort | undefined> }): AgentModule {
  const settings = deps.config.tools.mcp;
  const port: ToolCallPort = {
    list: async () => (await (await deps.tools())?.list()) ?? [],
    invoke: async (name, args, options) => {
      const tools = await deps.tools();
      if (tools !== undefined) return await tools.invoke(name, args, options);
      const text = 'The agent\'s tool pipeline is not running (the twin is disabled or not started); nothing ran.';
      const result: InvocationResult = { tool: name, outcome: 'failed', isError: true, text, modelText: text, durationMs: 0 };
      return result;
    },
  };
  return {
    routes: settings.enabled ? mcpRoutes({ tools: port, log: deps.log, version: hearthVersion(), progressEveryMs: settings.progressEvery }) : [],
    start: () => undefined,
    stop: () => undefined,
  };
}
