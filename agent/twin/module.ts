// The twin as an agent module: opens its memory database and approvals store
// under state.dir, loads the personas, builds the tool pipeline from the
// registry, and serves the conversation, approval, memory and prompt routes.
// The tool pipeline (every tool's module, its zod schema and JSON schema) is
// built at the first turn, MCP request or prompt preview that needs it, and
// the memory database opened at its first use: an idle agent carries neither.
import { existsSync } from 'node:fs';
import type { AgentModule, ModuleDeps } from '../daemon/module-contract.js';
import { HearthError } from '../errors.js';
import type { Route } from '../http-api/route.js';
import type { DiscoveredExpert, Hands } from '../tools/hands.js';
import type { ToolInvoker } from '../tools/invoke.js';
import { repoPath } from '../util/paths.js';
import { openApprovalStore, type ApprovalStore } from './approvals/store.js';
import { toExperts } from './experts.js';
import { createDeferredMemory, type DeferredMemory } from './memory/deferred-memory.js';
import { createRecall } from './memory/recall.js';
import { createRemoteEmbedder, type RemoteEmbedder } from './memory/remote-embedder.js';
import { exportMemory, importMemory, parseMemoryFile } from './memory/memory-file.js';
import { createModelClient, type ModelClient } from './model-client.js';
import { createPowerPort } from './power-port.js';
import { createPromptLibrary, type PromptLibrary } from './prompts.js';
import { createTwinRoutes } from './routes.js';
import { createTwin, type Twin } from './twin.js';

export interface TwinModuleOptions {
  /** The power module's routes, once built; the twin reads power states and sets idle timeouts through them. */
  readonly powerRoutes?: () => readonly Route[];
}

/** Discovery rows as the cluster tools read them (name, address, port, health, node). */
function toDiscovered(rows: readonly unknown[]): DiscoveredExpert[] {
  const out: DiscoveredExpert[] = [];
  for (const row of rows) {
    const r = row as Record<string, unknown>;
    if (typeof r['name'] !== 'string' || typeof r['address'] !== 'string' || typeof r['port'] !== 'number') continue;
    out.push({ name: r['name'], address: r['address'], port: r['port'], health: typeof r['health'] === 'string' ? r['health'] : 'unknown', ...(typeof r['node'] === 'string' ? { node: r['node'] } : {}) });
  }
  return out;
}

export function promptsDir(configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const bundled = repoPath('prompts');
  return existsSync(bundled) ? bundled : '/etc/hearth/prompts';
}

/**
 * The twin's module; `tools()` is its tool pipeline (MCP serves the same one), built at the first call;
 * undefined while the twin is disabled or not started.
 */
export interface TwinModule extends AgentModule {
  tools(): Promise<ToolInvoker | undefined>;
}

export function createTwinModule(deps: ModuleDeps, options: TwinModuleOptions = {}): TwinModule {
  const settings = deps.config.twin;
  let twin: Twin | undefined;
  let approvals: ApprovalStore | undefined;
  let memory: DeferredMemory | undefined;
  let prompts: PromptLibrary | undefined;
  let hands: Hands | undefined;
  let loadTools: (() => Promise<ToolInvoker>) | undefined;
  let toolsLoading: Promise<ToolInvoker> | undefined;
  let modelClient: ModelClient | undefined;
  let routes: Route[] = [];
  const power = options.powerRoutes === undefined ? undefined : createPowerPort(options.powerRoutes);

  // Routes are collected before start(); each call reaches what start() built.
  const lazy = (): Route[] => {
    const names = ['POST /api/v1/conversations', 'GET /api/v1/conversations', 'GET /api/v1/conversations/:id', 'DELETE /api/v1/conversations/:id', 'POST /api/v1/conversations/:id/messages', 'GET /api/v1/approvals', 'GET /api/v1/approvals/:id', 'POST /api/v1/approvals/:id', 'GET /api/v1/memory', 'GET /api/v1/memory/short-term', 'DELETE /api/v1/memory/short-term', 'GET /api/v1/memory/long-term', 'DELETE /api/v1/memory/long-term', 'GET /api/v1/memory/export', 'POST /api/v1/memory/import', 'GET /api/v1/prompts', 'GET /api/v1/prompts/:name'];
    return names.map((key) => {
      const [method, path] = key.split(' ') as [Route['method'], string];
      return {
        method,
        path,
        auth: 'token' as const,
        handler: (req) => {
          const route = routes.find((r) => r.method === method && r.path === path);
          if (route === undefined) return { status: 503, json: { error: { code: 'HEARTH_ERR_UNREACHABLE', message: settings.enabled ? 'The twin is not started.' : 'The twin is disabled (twin.enabled = false).' } } };
          return route.handler(req);
        },
      };
    });
  };

  return {
    tools: async () => {
      if (twin === undefined || loadTools === undefined) return undefined;
      return twin.tools() ?? (await loadTools());
    },
    routes: lazy(),
    health: () => {
      if (!settings.enabled) return { ok: true };
      // A refused persona file keeps its previous version in use; it is reported by GET /api/v1/prompts and the log,
      // and does not make the agent unhealthy.
      return twin === undefined ? { ok: false, reason: 'the twin is not started' } : { ok: true };
    },
    async start() {
      if (!settings.enabled) {
        deps.log.info('twin disabled');
        return;
      }
      const stateDir = deps.config.state.dir;
      // Opened at the first conversation or memory call; checked now, so a bad file still fails the start.
      const opened = createDeferredMemory(stateDir);
      opened.check();
      memory = opened;
      const { conversations, longTerm } = opened;
      prompts = createPromptLibrary({ dir: promptsDir(settings.prompts), log: deps.log.child({ part: 'prompts' }) });
      prompts.start();
      const library = prompts;
      approvals = await openApprovalStore({
        dir: stateDir,
        deadlineMs: deps.config.approvals.deadline,
        log: deps.log.child({ part: 'approvals' }),
        onChange: (approval) => deps.events.publish({ topic: 'approval', approval }),
      });
      const listed = () => toExperts(deps.listExperts(), (kind) => library.get(kind)?.description);
      // Embedding experts embed memories; they are not asked questions.
      const experts = () => listed().filter((e) => !e.kind.startsWith('embed'));
      const embedders = new Map<string, RemoteEmbedder>();
      const embedder = (): RemoteEmbedder | undefined => {
        const found = listed().find((e) => e.kind.startsWith('embed'));
        if (found === undefined) return undefined;
        const key = `${found.baseUrl}|${found.model ?? settings.model}`;
        let made = embedders.get(key);
        if (made === undefined) {
          made = createRemoteEmbedder({ baseUrl: found.baseUrl, model: found.model ?? settings.model, name: found.name });
          embedders.set(key, made);
        }
        return made;
      };
      const clusterName = deps.node.name;
      const gate = approvals;
      // The tools need the twin itself (its state and transcripts), so they are attached to it once built.
      const buildTools = async (): Promise<ToolInvoker> => {
        const [{ createHands }, { createToolInvoker }, { boundTools }] = await Promise.all([import('../tools/hands.js'), import('../tools/invoke.js'), import('../tools/registry.js')]);
        if (twin !== built) throw new HearthError('HEARTH_ERR_UNREACHABLE', 'The twin stopped before its tools were built.');
        hands = createHands({ config: deps.config, log: deps.log.child({ part: 'hands' }), listExperts: () => toDiscovered(deps.listExperts()) });
        const cluster = hands;
        const invoker = createToolInvoker({
          tools: boundTools({
            hands: cluster.deps,
            routing: { experts },
            ...(power === undefined ? {} : { power }),
            twinState: {
              status: () => ({ experts: experts().map((e) => ({ name: e.name, health: e.health, description: e.description })), conversations: conversations.list().length, memory: built.memorySummary() }),
              memorySummary: () => built.memorySummary(),
              clearShortTerm: async (id) => built.clearShortTerm(id),
            },
            transcripts: { transcript: (id) => (conversations.get(id) === undefined ? undefined : conversations.turns(id)) },
          }),
          gate,
          log: deps.log.child({ part: 'tools' }),
        });
        built.attachTools(invoker);
        deps.log.info({ tools: invoker.list().length }, 'twin tools built');
        return invoker;
      };
      const load = (): Promise<ToolInvoker> => {
        // A failed build is tried again at the next call.
        toolsLoading ??= buildTools().catch((err: unknown) => {
          toolsLoading = undefined;
          throw err;
        });
        return toolsLoading;
      };
      modelClient = createModelClient();
      const built = createTwin({
        settings: {
          clusterName,
          model: settings.model,
          shortTermTurns: settings.shortTermTurns,
          contextTokens: settings.contextTokens,
          maxMessageChars: settings.maxMessageChars,
          turnTimeoutMs: settings.turnTimeout,
          recall: settings.recall,
          ...(settings.maxAnswerTokens === undefined ? {} : { maxAnswerTokens: settings.maxAnswerTokens }),
        },
        conversations,
        longTerm,
        recall: createRecall({ longTerm, embedder, log: deps.log.child({ part: 'recall' }) }),
        prompts: library,
        experts,
        routerUrl: () => {
          if (settings.routerUrl !== undefined) return { baseUrl: settings.routerUrl.replace(/\/+$/, ''), name: 'router' };
          const list = experts();
          const router = list.find((e) => e.name === 'prima-api-router') ?? list[0];
          return router === undefined ? undefined : { baseUrl: router.baseUrl, name: router.name, ...(router.model === undefined ? {} : { model: router.model }) };
        },
        client: modelClient,
        ...(power === undefined ? {} : { powerState: (service: string) => power.state(service) }),
        publish: (event) => deps.events.publish(event),
        loadTools: load,
        onConversationEnded: (conversationId) => {
          hands?.closeConversation({ kind: 'twin', conversationId }).catch((err: unknown) => deps.log.warn({ err, conversationId }, 'conversation tools not closed'));
        },
        log: deps.log,
      });
      twin = built;
      loadTools = load;
      routes = createTwinRoutes({
        twin: built,
        approvals,
        conversations,
        longTerm,
        prompts: library,
        shortTermTurns: settings.shortTermTurns,
        memoryFile: {
          export: () => exportMemory(opened.db(), conversations, longTerm, new Date()),
          import: (raw, dryRun, source) => {
            const summary = importMemory(opened.db(), conversations, longTerm, parseMemoryFile(raw, source), dryRun);
            if (!dryRun) deps.events.publish({ topic: 'memory', change: 'loaded' });
            return summary;
          },
        },
        promptValues: async (model) => ({
          MODEL_NAME: model ?? settings.model,
          EXPERT_NAME: 'the hearth twin',
          CLUSTER_NAME: clusterName,
          DATE: new Date().toISOString().slice(0, 10),
          EXPERTS: experts().map((e) => `- ${e.name}: ${e.description}`).join('\n') || '(none listed now)',
          TOOLS: (built.tools() ?? (await load())).list().map((t) => t.name).join(', '),
        }),
      });
      deps.log.info({ stateDir, prompts: promptsDir(settings.prompts), database: opened.path }, 'twin started');
    },
    async stop() {
      routes = [];
      loadTools = undefined;
      await twin?.stop();
      twin = undefined;
      // Tools being built as the twin stops are let go with the rest.
      await toolsLoading?.catch(() => undefined);
      toolsLoading = undefined;
      modelClient?.close?.();
      modelClient = undefined;
      approvals?.stop();
      approvals = undefined;
      await hands?.stop();
      hands = undefined;
      prompts?.stop();
      prompts = undefined;
      memory?.close();
      memory = undefined;
    },
  };
}
