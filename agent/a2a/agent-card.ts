// The agent card peers read at /.well-known/agent-card.json: the JSON-RPC
// endpoint, streaming, bearer-token security, and the skills: "ask the
// cluster" (the twin routes the question) and one per discovered expert.
import type { AgentCard, AgentSkill } from '@a2a-js/sdk';

export const A2A_PATH = '/a2a';
/** The SDK's AGENT_CARD_PATH as a route path, known without loading the SDK (agent-card.test.ts holds them equal). */
export const AGENT_CARD_PATH = '/.well-known/agent-card.json';
export const ASK_SKILL = 'ask-cluster';
export const EXPERT_SKILL_PREFIX = 'expert:';

function skill(id: string, name: string, description: string, tags: string[]): AgentSkill {
  return { id, name, description, tags, examples: [], inputModes: ['text/plain'], outputModes: ['text/plain'], securityRequirements: [] };
}

export function buildAgentCard(options: { baseUrl: string; version: string; experts: readonly { name: string; description?: string }[] }): AgentCard {
  return {
    name: 'hearth',
    description: 'A self-hosted cluster of experts: ask a question and the cluster routes it to the expert that knows, waking it if it sleeps.',
    supportedInterfaces: [{ url: new URL(A2A_PATH, options.baseUrl).toString(), protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
    provider: { organization: 'hearth', url: options.baseUrl },
    version: options.version,
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: {
      bearer: { scheme: { $case: 'httpAuthSecurityScheme', value: { description: 'The agent\'s API token (api.token).', scheme: 'Bearer', bearerFormat: '' } } },
    },
    securityRequirements: [{ schemes: { bearer: { list: [] } } }],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [
      skill(ASK_SKILL, 'Ask the cluster', 'Ask anything; the twin routes the question to the best expert.', ['routing']),
      ...options.experts.map((e) => skill(`${EXPERT_SKILL_PREFIX}${e.name}`, e.name, e.description ?? `Ask the ${e.name} expert directly.`, ['expert'])),
    ],
    signatures: [],
  };
}
