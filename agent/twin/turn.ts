// One conversation turn: route the question (keywords first, then the router
// model with `route_to_expert`), forward it with the conversation's context to
// the chosen expert's own address (a sleeping expert is woken by that very
// connection, which the power manager holds), stream the answer, run the tool
// calls the model makes through the tool pipeline, and fall back to the router
// model when the expert is gone or fails. Everything that happens is a
// TurnEvent pushed to `emit`; the turn never throws.
import { HearthError, isHearthError } from '../errors.js';
import type { Logger } from '../log.js';
import type { InvocationEvent, ToolInvoker } from '../tools/invoke.js';
import type { ColdStartPhase, TurnEvent } from './events.js';
import type { Expert } from './experts.js';
import type { FirstStage } from './first-stage.js';
import type { ChatMessage, ModelClient, ModelToolCall } from './model-client.js';
import { ROUTE_TOOL, withExperts } from './route-tool.js';

/** The power state of an expert's service, as the power module tells it. */
export interface ExpertPowerState {
  readonly state: 'awake' | 'asleep' | 'waking' | 'unmanaged';
  /** The phases of the service's last cold start, in order. */
  readonly phases: readonly ColdStartPhase[];
}

export interface TurnPlan {
  readonly conversationId: string;
  readonly turnId: string;
  readonly question: string;
  readonly experts: readonly Expert[];
  readonly firstStage: FirstStage;
  /** The router model; undefined when none is reachable by configuration or discovery. */
  readonly router?: { readonly baseUrl: string; readonly model: string; readonly name: string };
  /** Builds the messages for a persona: the router (`router`) or an expert. */
  readonly messagesFor: (target: { persona: 'router' } | { persona: 'expert'; expert: Expert }) => ChatMessage[];
  readonly signal: AbortSignal;
  readonly caller: { readonly kind: 'twin'; readonly conversationId: string };
}

export interface TurnDeps {
  readonly client: ModelClient;
  readonly invoker: ToolInvoker;
  readonly log: Logger;
  readonly modelFor: (expert: Expert) => string;
  readonly powerState?: (service: string) => Promise<ExpertPowerState | undefined>;
  readonly now?: () => number;
  /** max_tokens of every model request; unset: the server decides. */
  readonly maxTokens?: number;
  /** Rounds of tool calls one answer may take. */
  readonly maxToolRounds?: number;
}

export interface TurnOutcome {
  readonly text: string;
  readonly expert: string;
  readonly finish: 'complete' | 'interrupted' | 'error';
  readonly summary: Record<string, unknown>;
}


export async function runTurn(plan: TurnPlan, deps: TurnDeps, emit: (event: TurnEvent) => void): Promise<TurnOutcome> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const { turnId } = plan;
  let sent = '';
  let firstTokenAt: number | undefined;
  let tokens = 0;
  let answeredBy = plan.router?.name ?? 'twin';
  const summary: Record<string, unknown> = { tools: [] as unknown[] };
  const log = deps.log.child({ conversationId: plan.conversationId, turnId });

  /** `count`: the model's tokens in this text (a burst read at once goes out as one delta). */
  const delta = (text: string, count = 1) => {
    if (text === '' || plan.signal.aborted) return;
    if (firstTokenAt === undefined) firstTokenAt = now();
    sent += text;
    tokens += count;
    emit({ type: 'delta', turnId, text });
  };
  const finish = (finishKind: TurnOutcome['finish']): TurnOutcome => {
    const totalMs = now() - started;
    const generationMs = firstTokenAt === undefined ? 0 : now() - firstTokenAt;
    const timings = {
      ...(firstTokenAt === undefined ? {} : { firstTokenMs: round(firstTokenAt - started) }),
      totalMs: round(totalMs),
      tokens,
      ...(tokens > 1 && generationMs > 0 ? { tokensPerSecond: round(((tokens - 1) * 1000) / generationMs) } : {}),
    };
    summary['timings'] = timings;
    emit({ type: 'done', turnId, expert: answeredBy, text: sent, finish: finishKind, timings });
    return { text: sent, expert: answeredBy, finish: finishKind, summary };
  };
  const fail = (err: unknown): TurnOutcome => {
    if (plan.signal.aborted) return finish('interrupted');
    const code = isHearthError(err) ? err.code : 'HEARTH_ERR_INTERNAL';
    const message = (err as Error).message ?? String(err);
    log.warn({ err }, 'turn failed');
    summary['error'] = { code, message };
    emit({ type: 'error', turnId, code, message });
    return finish('error');
  };

  try {
    // 1. Routing.
    const decideStart = now();
    const decided = plan.experts.length > 0 ? plan.firstStage.decide(plan.question) : undefined;
    let target: Expert | undefined;
    if (decided !== undefined) {
      target = plan.experts.find((e) => e.name === decided.expert);
      const decisionMs = now() - decideStart;
      summary['routed'] = { expert: decided.expert, stage: 'first-stage', reason: decided.reason, decisionMs };
      emit({ type: 'routed', turnId, expert: decided.expert, stage: 'first-stage', reason: decided.reason, decisionMs });
    } else if (plan.router !== undefined) {
      const routed = await askRouter(plan, deps, emit, delta, summary, decideStart, now);
      if (routed.kind === 'answered') {
        answeredBy = plan.router.name;
        return finish(plan.signal.aborted ? 'interrupted' : 'complete');
      }
      target = plan.experts.find((e) => e.name === routed.expert);
    } else if (plan.experts.length > 0) {
      target = plan.experts[0]!;
      const reason = 'no router model is configured or listed; the only choice is the first expert';
      summary['routed'] = { expert: target.name, stage: 'direct', reason, decisionMs: now() - decideStart };
      emit({ type: 'routed', turnId, expert: target.name, stage: 'direct', reason, decisionMs: now() - decideStart });
    } else {
      throw new HearthError('HEARTH_ERR_NOT_FOUND', 'No expert is listed in Consul (prima-api-*) and no router model is configured (twin.routerUrl), so nothing can answer.');
    }

    // 2. The expert answers.
    if (target === undefined) return await fallBack(plan, deps, emit, delta, summary, 'the chosen expert is no longer listed', 'unknown', () => finish, (name) => (answeredBy = name));
    answeredBy = target.name;
    const wake = await watchWake(deps, target.name, turnId, emit, summary);
    try {
      await streamAnswer(plan, deps, { baseUrl: target.baseUrl, model: deps.modelFor(target), messages: plan.messagesFor({ persona: 'expert', expert: target }), withTools: false }, emit, (text, count) => {
        wake.answered();
        delta(text, count);
      }, summary);
    } catch (err) {
      if (plan.signal.aborted) return finish('interrupted');
      await wake.failed();
      if (sent !== '') return fail(err);
      log.warn({ err, expert: target.name }, 'expert failed; falling back to the router model');
      return await fallBack(plan, deps, emit, delta, summary, (err as Error).message, target.name, () => finish, (name) => (answeredBy = name));
    }
    await wake.settled();
    return finish(plan.signal.aborted ? 'interrupted' : 'complete');
  } catch (err) {
    return fail(err);
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

async function readPower(deps: TurnDeps, service: string): Promise<ExpertPowerState | undefined> {
  if (deps.powerState === undefined) return undefined;
  try {
    return await deps.powerState(service);
  } catch {
    return undefined;
  }
}

/**
 * Before a model call: when the service is asleep (or waking), says so; the call's own connection wakes it.
 * `answered()` on the first token reports it awake with the cold start's phases; `failed()` when the call failed.
 */
async function watchWake(deps: TurnDeps, service: string, turnId: string, emit: (e: TurnEvent) => void, summary: Record<string, unknown>) {
  const power = await readPower(deps, service);
  let waking = power?.state === 'asleep' || power?.state === 'waking';
  if (waking) {
    summary['wake'] = { expert: service, state: 'waking' };
    emit({ type: 'wake', turnId, expert: service, state: 'waking', phases: [] });
  }
  let reported: Promise<void> = Promise.resolve();
  return {
    answered() {
      if (!waking) return;
      waking = false;
      reported = (async () => {
        const phases = (await readPower(deps, service))?.phases ?? [];
        summary['wake'] = { expert: service, state: 'awake', phases };
        emit({ type: 'wake', turnId, expert: service, state: 'awake', phases });
      })();
    },
    async failed() {
      await reported;
      if (!waking) return;
      waking = false;
      const phases = (await readPower(deps, service))?.phases ?? [];
      summary['wake'] = { expert: service, state: 'failed', phases };
      emit({ type: 'wake', turnId, expert: service, state: 'failed', phases });
    },
    settled: () => reported,
  };
}

type RouterResult = { kind: 'answered' } | { kind: 'routed'; expert: string };

/** Asks the router model; it answers (streamed as the answer), routes, or calls tools first. */
async function askRouter(
  plan: TurnPlan,
  deps: TurnDeps,
  emit: (event: TurnEvent) => void,
  delta: (text: string, count?: number) => void,
  summary: Record<string, unknown>,
  decideStart: number,
  now: () => number,
): Promise<RouterResult> {
  const router = plan.router!;
  const messages = plan.messagesFor({ persona: 'router' });
  let routedTo: string | undefined;
  const wake = await watchWake(deps, router.name, plan.turnId, emit, summary);
  const outcome = await streamAnswer(
    plan,
    deps,
    { baseUrl: router.baseUrl, model: router.model, messages, withTools: true, onRoute: (expert, reason) => {
      routedTo = expert;
      const decisionMs = now() - decideStart;
      summary['routed'] = { expert, stage: 'router-model', reason, decisionMs };
      emit({ type: 'routed', turnId: plan.turnId, expert, stage: 'router-model', reason, decisionMs });
    } },
    emit,
    (text, count) => {
      wake.answered();
      delta(text, count);
    },
    summary,
  ).catch(async (err: unknown) => {
    await wake.failed();
    throw err;
  });
  wake.answered();
  await wake.settled();
  if (routedTo !== undefined) return { kind: 'routed', expert: routedTo };
  void outcome;
  const decisionMs = now() - decideStart;
  summary['routed'] = { expert: router.name, stage: 'direct', reason: 'the router model answered itself', decisionMs };
  emit({ type: 'routed', turnId: plan.turnId, expert: router.name, stage: 'direct', reason: 'the router model answered itself', decisionMs });
  return { kind: 'answered' };
}

async function fallBack(
  plan: TurnPlan,
  deps: TurnDeps,
  emit: (event: TurnEvent) => void,
  delta: (text: string, count?: number) => void,
  summary: Record<string, unknown>,
  reason: string,
  from: string,
  finisher: () => (kind: TurnOutcome['finish']) => TurnOutcome,
  setAnsweredBy: (name: string) => void,
): Promise<TurnOutcome> {
  const finish = finisher();
  if (plan.router === undefined) {
    throw new HearthError('HEARTH_ERR_UNREACHABLE', `The expert ${from} failed (${reason}) and no router model is configured to answer instead.`, { details: { expert: from } });
  }
  summary['fallback'] = { from, to: plan.router.name, reason };
  emit({ type: 'fallback', turnId: plan.turnId, from, to: plan.router.name, reason });
  setAnsweredBy(plan.router.name);
  const messages = plan.messagesFor({ persona: 'router' });
  messages.splice(1, 0, { role: 'system', content: `The expert ${from} could not answer (${reason}). Answer the question yourself; do not route it.` });
  await streamAnswer(plan, deps, { baseUrl: plan.router.baseUrl, model: plan.router.model, messages, withTools: false }, emit, delta, summary);
  return finish(plan.signal.aborted ? 'interrupted' : 'complete');
}

interface StreamTarget {
  readonly baseUrl: string;
  readonly model: string;
  readonly messages: ChatMessage[];
  readonly withTools: boolean;
  /** When set, a valid route_to_expert call ends the answer and reports the choice. */
  readonly onRoute?: (expert: string, reason: string) => void;
}

/** Streams one answer, running tool calls between rounds; resolves when the model stops without calling a tool. */
async function streamAnswer(
  plan: TurnPlan,
  deps: TurnDeps,
  target: StreamTarget,
  emit: (event: TurnEvent) => void,
  delta: (text: string, count?: number) => void,
  summary: Record<string, unknown>,
): Promise<void> {
  const tools = target.withTools
    ? deps.invoker.list().flatMap((t) => (t.name !== ROUTE_TOOL ? [t] : target.onRoute === undefined ? [] : [withExperts(t, plan.experts)]))
    : [];
  const messages = [...target.messages];
  const rounds = deps.maxToolRounds ?? 4;
  for (let round = 0; ; round++) {
    let ended: { text: string; toolCalls: readonly ModelToolCall[]; serverTimings?: Record<string, number> } | undefined;
    for await (const event of deps.client.stream({ baseUrl: target.baseUrl, model: target.model, messages, tools: round < rounds ? tools : [], signal: plan.signal, ...(deps.maxTokens === undefined ? {} : { maxTokens: deps.maxTokens }) })) {
      if (event.type === 'delta') delta(event.text, event.tokens);
      else ended = event;
    }
    // llama-server reports its own prompt and generation timings; they are kept with the turn.
    if (ended !== undefined && 'serverTimings' in ended && ended.serverTimings !== undefined) summary['serverTimings'] = ended.serverTimings;
    if (ended === undefined || ended.toolCalls.length === 0 || plan.signal.aborted) return;
    messages.push({
      role: 'assistant',
      content: ended.text === '' ? null : ended.text,
      tool_calls: ended.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
    });
    for (const call of ended.toolCalls) {
      emit({ type: 'tool-call', turnId: plan.turnId, callId: call.id, tool: call.name, args: parseArgs(call.arguments) });
      const result = await deps.invoker.invoke(call.name, call.arguments, {
        caller: plan.caller,
        signal: plan.signal,
        onEvent: (e: InvocationEvent) => emit(toTurnEvent(plan.turnId, call, e)),
      });
      emit({ type: 'tool-result', turnId: plan.turnId, callId: call.id, tool: call.name, ok: !result.isError, text: result.text });
      (summary['tools'] as unknown[]).push({ tool: call.name, ok: !result.isError, outcome: result.outcome });
      if (call.name === ROUTE_TOOL && target.onRoute !== undefined && !result.isError) {
        const data = result.data as { expert: string; reason: string };
        target.onRoute(data.expert, data.reason || 'chosen by the router model');
        return;
      }
      messages.push({ role: 'tool', tool_call_id: call.id, content: result.modelText });
    }
  }
}

function toTurnEvent(turnId: string, call: ModelToolCall, event: InvocationEvent): TurnEvent {
  switch (event.type) {
    case 'approval-requested':
      return { type: 'approval-requested', turnId, callId: call.id, approvalId: event.approvalId, tool: call.name, args: event.args, expiresAt: event.expiresAt };
    case 'approval-decided':
      return { type: 'approval-decided', turnId, callId: call.id, approvalId: event.approvalId, decision: event.decision, ...(event.by === undefined ? {} : { by: event.by }) };
    case 'progress':
      return { type: 'tool-progress', turnId, callId: call.id, message: event.message };
  }
}

function parseArgs(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
