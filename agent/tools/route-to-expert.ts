// route_to_expert: the router model's way of handing a question to one of the
// experts discovery lists now. The tool checks the name against the current
// list and returns the choice; the twin's turn then forwards the question.
import { z } from 'zod';
import type { Tool } from './tool.js';

export interface RouteToExpertDeps {
  /** Names and descriptions of the experts discovery lists now. */
  readonly experts: () => readonly { readonly name: string; readonly description: string }[];
}

const input = z
  .object({
    expert: z.string().min(1).max(100).describe('The expert to answer, one name from the list of experts (prima-api-...).'),
    reason: z.string().max(300).default('').describe('Why this expert fits, in a few words.'),
  })
  .strict();

export const routeToExpert: Tool<typeof input, RouteToExpertDeps> = {
  name: 'route_to_expert',
  description: 'Hand the question to the expert best suited to it. Use one expert name from the list you were given.',
  input,
  sensitive: false,
  timeoutMs: 1000,
  outputLimit: 2000,
  async run(args, deps) {
    const experts = deps.experts();
    const found = experts.find((e) => e.name === args.expert);
    if (found === undefined) {
      const names = experts.map((e) => e.name).join(', ') || 'none';
      return { isError: true, text: `No expert named ${JSON.stringify(args.expert)} is listed now. Experts listed: ${names}.` };
    }
    return { text: `Routed to ${found.name}.`, data: { expert: found.name, reason: args.reason } };
  },
};
