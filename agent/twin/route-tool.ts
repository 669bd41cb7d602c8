// route_to_expert as the router model sees it in one turn: the tool's own
// schema, with the experts listed now as the `expert` argument's choices and
// each one's description (its Consul Meta `description`, else its persona
// file) in the argument's description. The tool itself still checks the name
// against the list when it runs; this only tells the model what it may pick.
import type { ToolDescriptor } from '../tools/invoke.js';
import type { Expert } from './experts.js';

export const ROUTE_TOOL = 'route_to_expert';

export function withExperts(tool: ToolDescriptor, experts: readonly Expert[]): ToolDescriptor {
  if (tool.name !== ROUTE_TOOL || experts.length === 0) return tool;
  const properties = (tool.inputSchema['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  const expert = properties['expert'] ?? {};
  const listed = experts.map((e) => `${e.name}: ${e.description}`).join('; ');
  return {
    ...tool,
    inputSchema: {
      ...tool.inputSchema,
      properties: {
        ...properties,
        expert: { ...expert, enum: experts.map((e) => e.name), description: `${String(expert['description'] ?? 'The expert to answer.')} Listed now: ${listed}.` },
      },
    },
  };
}
