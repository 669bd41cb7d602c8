// The twin: conversations, the turn in flight per conversation (a new message
// aborts it: barge-in, and the turn keeps only what was sent), short- and
// long-term memory, and the events every turn publishes on the agent's bus.
import { randomUUID } from 'node:crypto';
import { HearthError, describeValue } from '../errors.js';
import type { Logger } from '../log.js';
import type { BusEvent } from '../daemon/event-bus.js';
import type { ToolInvoker } from '../tools/invoke.js';
import { createChannel } from './channel.js';
import { buildMessages, factsToKeep } from './context.js';
import type { TurnEvent } from './events.js';
import type { Expert } from './experts.js';
import { createFirstStage, type FirstStage } from './first-stage.js';
import type { ConversationStore, ConversationSummary, TurnRecord } from './memory/conversations.js';
import type { LongTermMemory, MemoryHit } from './memory/long-term.js';
import type { Recall } from './memory/recall.js';
import type { ModelClient } from './model-client.js';
import type { PromptLibrary } from './prompts.js';
import { runTurn, type ExpertPowerState } from './turn.js';

export interface TwinSettings {
  readonly clusterName: string;
  readonly model: string;
  readonly shortTermTurns: number;
  readonly contextTokens: number;
  readonly maxMessageChars: number;
  readonly turnTimeoutMs: number;
  readonly recall: number;
  readonly maxAnswerTokens?: number;
}

export interface TwinDeps {
  readonly settings: TwinSettings;
  readonly conversations: ConversationStore;
  readonly longTerm: LongTermMemory;
  /** Recall through the embedding expert; without it, the local embedder. */
  readonly recall?: Recall;
  readonly prompts: PromptLibrary;
  readonly experts: () => readonly Expert[];
  /** The router model's base URL now (config, or an expert discovery lists). */
  readonly routerUrl: () => { baseUrl: string; name: string; model?: string } | undefined;
  readonly client: ModelClient;
  /** The tool pipeline; may also be attached later with attachTools (the tools need the twin itself). */
  readonly invoker?: ToolInvoker;
  /**
   * Builds the tool pipeline when a turn first needs it and no invoker is attached yet (the twin module
   * defers the tools' imports until then); it is expected to attach what it builds.
   */
  readonly loadTools?: () => Promise<ToolInvoker>;
  readonly powerState?: (service: string) => Promise<ExpertPowerState | undefined>;
  readonly publish: (event: BusEvent) => void;
  /** Told when a conversation ends, so what its tools hold (a browser context) is let go. */
  readonly onConversationEnded?: (conversationId: string) => void;
  readonly log: Logger;
  readonly clock?: () => Date;
}

/** A turn's events; `drain()` takes those already waiting (a stream writer batches them). */
export interface TurnStream extends AsyncIterable<TurnEvent> {
  drain(): TurnEvent[];
}

export interface Twin {
  attachTools(invoker: ToolInvoker): void;
  tools(): ToolInvoker | undefined;
  createConversation(): ConversationSummary;
  listConversations(): ConversationSummary[];
  getConversation(id: string): { conversation: ConversationSummary; turns: TurnRecord[] };
  deleteConversation(id: string): void;
  /**
   * Starts a turn and returns its events. Bad input (not text, too long, unknown conversation) throws
   * before anything starts. A turn already running in the conversation is interrupted.
   */
  send(conversationId: string, text: unknown, options?: { signal?: AbortSignal }): TurnStream;
  /** Resolves once every turn in flight has ended. */
  idle(): Promise<void>;
  memorySummary(): { shortTerm: { conversation: string; turns: number }[]; longTerm: number };
  clearShortTerm(conversationId: string | undefined): number;
  /** Forgets every long-term memory; resolves how many. */
  clearLongTerm(): number;
  stop(): Promise<void>;
}

export function createTwin(deps: TwinDeps): Twin {
  const clock = deps.clock ?? (() => new Date());
  const inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let firstStage: { key: string; stage: FirstStage } | undefined;
  let stopping = false;
  let invokerNow: ToolInvoker | undefined = deps.invoker;

  const stageFor = (experts: readonly Expert[]): FirstStage => {
    const key = experts.map((e) => `${e.name}@${e.baseUrl}`).join('|') + `#${deps.prompts.list().length}`;
    if (firstStage?.key !== key) {
      firstStage = { key, stage: createFirstStage(experts, (kind) => deps.prompts.get(kind)?.keywords ?? []) };
    }
    return firstStage.stage;
  };
  deps.prompts.onChange(() => (firstStage = undefined));

  const describeExperts = (experts: readonly Expert[]) =>
    experts.length === 0 ? '(none listed now)' : experts.map((e) => `- ${e.name}: ${e.description} (health: ${e.health})`).join('\n');

  const twin: Twin = {
    attachTools(invoker) {
      invokerNow = invoker;
    },
    tools: () => invokerNow,
    createConversation() {
      const conversation = deps.conversations.create(clock());
      deps.publish({ topic: 'conversation', conversationId: conversation.id, change: 'created' });
      return conversation;
    },
    listConversations: () => deps.conversations.list(),
    getConversation(id) {
      const conversation = deps.conversations.require(id);
      return { conversation, turns: deps.conversations.turns(id) };
    },
    deleteConversation(id) {
      deps.conversations.require(id);
      inFlight.get(id)?.controller.abort(new Error('conversation deleted'));
      deps.conversations.remove(id);
      deps.onConversationEnded?.(id);
      deps.publish({ topic: 'conversation', conversationId: id, change: 'deleted' });
    },
    send(conversationId, text, options = {}) {
      if (stopping) throw new HearthError('HEARTH_ERR_UNREACHABLE', 'The twin is stopping; send the message again once the agent is back.');
      if (typeof text !== 'string') throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected the message \`text\` to be a string, got ${describeValue(text)}.`, { details: { name: 'text' } });
      const question = text.trim();
      if (question === '') throw new HearthError('HEARTH_ERR_INVALID_INPUT', 'Expected a non-empty message `text`, got only whitespace.', { details: { name: 'text' } });
      if (text.length > deps.settings.maxMessageChars) {
        throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected a message of at most ${deps.settings.maxMessageChars} characters (twin.maxMessageChars), got ${text.length}.`, { details: { name: 'text', length: text.length } });
      }
      deps.conversations.require(conversationId);
      const attached = invokerNow;
      const loadTools = deps.loadTools;
      if (attached === undefined && loadTools === undefined) throw new HearthError('HEARTH_ERR_INTERNAL', 'The twin was started without its tools.');
      const toolsForTurn = attached === undefined ? (loadTools as () => Promise<ToolInvoker>) : async () => attached;

      // Barge-in: the turn in flight stops now and keeps what it sent.
      inFlight.get(conversationId)?.controller.abort(new Error('a newer message arrived'));

      const controller = new AbortController();
      const timeout = setTimeout(() => controller.abort(new Error('turn timeout')), deps.settings.turnTimeoutMs);
      timeout.unref();
      const onClientGone = () => controller.abort(new Error('client gone'));
      options.signal?.addEventListener('abort', onClientGone, { once: true });

      const turnId = randomUUID();
      const channel = createChannel<TurnEvent>();
      const emit = (event: TurnEvent) => {
        channel.push(event);
        deps.publish({ topic: 'turn', conversationId, event });
      };
      const history = deps.conversations.shortTerm(conversationId, deps.settings.shortTermTurns);
      const experts = deps.experts();
      const router = deps.routerUrl();
      let memories: MemoryHit[] = [];
      let toolNames = '';
      const date = clock().toISOString().slice(0, 10);

      const personaFor = (kind: string) => (deps.prompts.get(kind) !== undefined ? kind : deps.prompts.get('general') !== undefined ? 'general' : undefined);
      const messagesFor = (target: { persona: 'router' } | { persona: 'expert'; expert: Expert }) => {
        const persona = target.persona === 'router' ? (deps.prompts.get('router') !== undefined ? 'router' : undefined) : personaFor(target.expert.kind);
        const model = target.persona === 'router' ? (router?.model ?? deps.settings.model) : (target.expert.model ?? deps.settings.model);
        const system =
          persona === undefined
            ? 'You are the hearth twin. Answer briefly.'
            : deps.prompts.render(persona, {
                MODEL_NAME: model,
                EXPERT_NAME: target.persona === 'router' ? 'the hearth twin' : target.expert.name,
                CLUSTER_NAME: deps.settings.clusterName,
                DATE: date,
                EXPERTS: describeExperts(experts),
                TOOLS: toolNames,
              });
        return buildMessages({ system, memories, history, question, budgetTokens: deps.settings.contextTokens }).messages;
      };

      emit({ type: 'turn-started', conversationId, turnId, at: clock().toISOString() });
      const userTurn = { id: `${turnId}-user`, role: 'user' as const, text: question, events: {} };

      const done = (async () => {
        let invoker: ToolInvoker;
        try {
          invoker = await toolsForTurn();
        } catch (err) {
          deps.log.error({ err, conversationId }, 'tools not loaded');
          emit({ type: 'error', turnId, code: err instanceof HearthError ? err.code : 'HEARTH_ERR_INTERNAL', message: `The twin's tools could not be loaded: ${(err as Error).message}` });
          emit({ type: 'done', turnId, expert: 'twin', text: '', finish: 'error', timings: { totalMs: 0 } });
          return;
        }
        toolNames = invoker.list().map((t) => t.name).join(', ');
        // Persisted once the request is on its way, so the disk write does not add to the first token's wait.
        const userStored = new Promise<void>((resolve) =>
          setImmediate(() => {
            try {
              deps.conversations.append(conversationId, userTurn, clock());
            } catch (err) {
              deps.log.error({ err, conversationId }, 'user turn not stored');
            }
            resolve();
          }),
        );
        if (deps.settings.recall > 0) {
          try {
            memories = deps.recall === undefined ? deps.longTerm.search(question, deps.settings.recall) : (await deps.recall.search(question, deps.settings.recall, controller.signal)).hits;
          } catch (err) {
            deps.log.warn({ err }, 'long-term memory not recalled');
          }
        }
        const outcome = await runTurn(
          {
            conversationId,
            turnId,
            question,
            experts,
            firstStage: stageFor(experts),
            ...(router === undefined ? {} : { router: { baseUrl: router.baseUrl, name: router.name, model: router.model ?? deps.settings.model } }),
            messagesFor,
            signal: controller.signal,
            caller: { kind: 'twin', conversationId },
          },
          {
            client: deps.client,
            invoker,
            log: deps.log,
            modelFor: (expert) => expert.model ?? deps.settings.model,
            ...(deps.settings.maxAnswerTokens === undefined ? {} : { maxTokens: deps.settings.maxAnswerTokens }),
            ...(deps.powerState === undefined ? {} : { powerState: deps.powerState }),
          },
          emit,
        );
        await userStored;
        try {
          if (deps.conversations.get(conversationId) !== undefined) {
            deps.conversations.append(conversationId, { id: turnId, role: 'assistant', text: outcome.text, expert: outcome.expert, finish: outcome.finish, events: outcome.summary }, clock());
          }
          const facts = factsToKeep(question);
          for (const fact of facts) deps.longTerm.add(fact, `conversation ${conversationId}`, clock());
          if (facts.length > 0) {
            deps.publish({ topic: 'memory', change: 'added' });
            void deps.recall?.backfill();
          }
        } catch (err) {
          deps.log.error({ err, conversationId }, 'turn not stored');
        }
      })()
        .catch((err: unknown) => deps.log.error({ err, conversationId }, 'turn crashed'))
        .finally(() => {
          clearTimeout(timeout);
          options.signal?.removeEventListener('abort', onClientGone);
          if (inFlight.get(conversationId)?.controller === controller) inFlight.delete(conversationId);
          channel.end();
        });
      inFlight.set(conversationId, { controller, done });
      return channel;
    },
    async idle() {
      await Promise.all([...inFlight.values()].map((f) => f.done));
    },
    memorySummary: () => ({ shortTerm: deps.conversations.shortTermCounts(deps.settings.shortTermTurns), longTerm: deps.longTerm.count() }),
    clearShortTerm(conversationId) {
      if (conversationId !== undefined) deps.conversations.require(conversationId);
      const removed = deps.conversations.clearShortTerm(conversationId);
      deps.publish({ topic: 'memory', change: 'cleared' });
      return removed;
    },
    clearLongTerm() {
      const removed = deps.longTerm.clear();
      deps.publish({ topic: 'memory', change: 'cleared' });
      return removed;
    },
    async stop() {
      stopping = true;
      for (const flight of inFlight.values()) flight.controller.abort(new Error('agent stopping'));
      await twin.idle();
    },
  };
  return twin;
}
