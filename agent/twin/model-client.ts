// Chat completions against an OpenAI-compatible server (llama-server, vLLM)
// through the official `openai` package: streamed, with tools. Tool-call
// deltas are accumulated by index; tool calls a model leaks into its text are
// recovered; the caller's signal cancels the request (barge-in), which closes
// the connection so the server stops generating. The request goes through
// the package; the streamed body is read by the lean parser of sse-data.ts
// (why: see there); tokens that arrive within a few ms of each other become
// one delta (coalesceMs), which goes out no later than that.
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { HearthError, isHearthError } from '../errors.js';
import type { ToolDescriptor } from '../tools/invoke.js';
import { createLeakGuard } from './leaked-tool-calls.js';
import { readWithDeadline, realTimers, type Timers } from './deadline-reads.js';
import { createSseDataReader } from './sse-data.js';

export type ChatMessage = ChatCompletionMessageParam;

export interface ModelToolCall {
  readonly id: string;
  readonly name: string;
  /** The arguments as the model wrote them (JSON text, possibly invalid: the tool pipeline judges). */
  readonly arguments: string;
  /** True when recovered from the answer text rather than the tool_calls field. */
  readonly leaked: boolean;
}

export type ModelEvent =
  /** `tokens`: how many of the model's tokens this text carries (those of one network read); 1 when unset. */
  | { readonly type: 'delta'; readonly text: string; readonly tokens?: number }
  | { readonly type: 'end'; readonly text: string; readonly toolCalls: readonly ModelToolCall[]; readonly finishReason: string; readonly tokens: number; readonly serverTimings?: Record<string, number> };

export interface ModelRequest {
  readonly baseUrl: string;
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolDescriptor[];
  readonly signal: AbortSignal;
  readonly maxTokens?: number;
  readonly temperature?: number;
}

export interface ModelClient {
  stream(request: ModelRequest): AsyncIterable<ModelEvent>;
}

export interface ModelClientOptions {
  /** Sent as the bearer token; llama-server ignores it unless started with --api-key. */
  readonly apiKey?: string;
  /** Longest wait for the first byte (covers a cold start held by the power manager). */
  readonly timeoutMs?: number;
  /**
   * Text that arrives within this many ms of the last delta is held and goes out with what follows, at the
   * latest this many ms after that delta (the first delta of an answer always goes out at once). 0 passes
   * every network read on by itself.
   */
  readonly coalesceMs?: number;
  /** The clock and timer coalescing uses (tests drive them). */
  readonly timers?: Timers;
}

/** A few ms, below what a reader can tell apart: a 1,800 tokens/s model then sends about 9 tokens per delta. */
export const DEFAULT_COALESCE_MS = 5;

export function toOpenAiTools(tools: readonly ToolDescriptor[]): ChatCompletionTool[] {
  return tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema } }));
}

export function createModelClient(options: ModelClientOptions = {}): ModelClient {
  const clients = new Map<string, OpenAI>();
  const coalesceMs = options.coalesceMs ?? DEFAULT_COALESCE_MS;
  const timers = options.timers ?? realTimers;
  const clientFor = (baseUrl: string) => {
    let client = clients.get(baseUrl);
    if (client === undefined) {
      client = new OpenAI({ baseURL: baseUrl, apiKey: options.apiKey ?? 'hearth', maxRetries: 0, timeout: options.timeoutMs ?? 600_000 });
      clients.set(baseUrl, client);
    }
    return client;
  };

  return {
    async *stream(request) {
      const tools = request.tools ?? [];
      const known = new Set(tools.map((t) => t.name));
      const guard = createLeakGuard(known);
      let response: Response;
      const create = () =>
        clientFor(request.baseUrl).chat.completions.create(
          {
            model: request.model,
            messages: request.messages as ChatCompletionMessageParam[],
            stream: true,
            stream_options: { include_usage: true },
            ...(tools.length === 0 ? {} : { tools: toOpenAiTools(tools) }),
            ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
            ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          },
          { signal: request.signal },
        ).asResponse();
      try {
        try {
          response = await create();
        } catch (err) {
          // A kept-alive connection the server had just closed fails before anything was sent back: ask once more.
          if (request.signal.aborted || (err as { status?: unknown }).status !== undefined || !(err instanceof OpenAI.APIConnectionError) || err instanceof OpenAI.APIConnectionTimeoutError) throw err;
          response = await create();
        }
      } catch (err) {
        throw modelError(request.baseUrl, err, request.signal);
      }
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      let text = '';
      let finishReason = 'stop';
      let tokens = 0;
      let completionTokens: number | undefined;
      let serverTimings: Record<string, number> | undefined;
      const reader = createSseDataReader();
      /** Folds one chunk of the answer into `out`: the visible text and tokens it adds, and whether the stream is over. */
      const take = (payload: string, out: { text: string; tokens: number; done: boolean }) => {
        if (payload === '[DONE]') {
          out.done = true;
          return;
        }
        const chunk = JSON.parse(payload) as StreamChunk;
        if (chunk.error !== undefined) {
          throw new HearthError('HEARTH_ERR_UNREACHABLE', `The model server at ${request.baseUrl} reported an error in its stream: ${describeStreamError(chunk.error)}`, { details: { baseUrl: request.baseUrl } });
        }
        if (chunk.timings !== undefined) serverTimings = chunk.timings;
        if (chunk.usage?.completion_tokens !== undefined) completionTokens = chunk.usage.completion_tokens;
        for (const choice of chunk.choices ?? []) {
          const delta = choice.delta;
          if (typeof delta?.content === 'string' && delta.content !== '') {
            tokens += 1;
            out.tokens += 1;
            text += delta.content;
            out.text += guard.push(delta.content);
          }
          for (const call of delta?.tool_calls ?? []) {
            const entry = calls.get(call.index) ?? { id: '', name: '', arguments: '' };
            if (call.id) entry.id = call.id;
            if (call.function?.name) entry.name += call.function.name;
            if (call.function?.arguments) entry.arguments += call.function.arguments;
            calls.set(call.index, entry);
          }
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
      };
      try {
        if (response.body === null) throw new HearthError('HEARTH_ERR_UNREACHABLE', `The model server at ${request.baseUrl} answered a streamed request without a body.`, { details: { baseUrl: request.baseUrl } });
        // Coalescing: the first text of an answer goes out at once; text that comes within coalesceMs of the
        // last delta is held and goes out with what follows, at the latest coalesceMs after that delta (a
        // timer, so a model that pauses still gets its text shown). A fast model then costs one event, one
        // bus publish and one SSE write per few milliseconds rather than per token; none is dropped.
        const held = { text: '', tokens: 0, done: false };
        let lastDeltaAt = -Infinity;
        let done = false;
        const deadline = () => (held.text === '' || coalesceMs <= 0 ? undefined : lastDeltaAt + coalesceMs);
        // Read to the end even after [DONE], so the kept-alive connection is reused rather than cut.
        for await (const step of readWithDeadline(response.body as unknown as AsyncIterable<Uint8Array>, deadline, timers)) {
          if (step.kind === 'read' && !done) {
            for (const payload of reader.push(step.value)) if (!held.done) take(payload, held);
            done = held.done;
          }
          if (held.text !== '' && (done || step.kind === 'deadline' || timers.now() - lastDeltaAt >= coalesceMs)) {
            yield { type: 'delta', text: held.text, tokens: held.tokens };
            lastDeltaAt = timers.now();
            held.text = '';
            held.tokens = 0;
          }
        }
        if (!done) for (const payload of reader.end()) take(payload, held);
        if (held.text !== '') yield { type: 'delta', text: held.text, tokens: held.tokens };
      } catch (err) {
        throw modelError(request.baseUrl, err, request.signal);
      }
      // A body cut by the signal may end quietly; a cancelled answer is not a complete one.
      if (request.signal.aborted) throw modelError(request.baseUrl, request.signal.reason, request.signal);
      const rest = guard.end();
      if (rest.text !== '') yield { type: 'delta', text: rest.text };
      const toolCalls: ModelToolCall[] = [...calls.entries()]
        .sort((a, b) => a[0] - b[0])
        .filter(([, c]) => c.name !== '')
        .map(([index, c]) => ({ id: c.id || `call_${index}`, name: c.name, arguments: c.arguments, leaked: false }));
      rest.calls.forEach((c, i) => toolCalls.push({ id: `leaked_${i}`, name: c.name, arguments: c.arguments, leaked: true }));
      yield {
        type: 'end',
        text: rest.calls.length > 0 ? stripCalls(text) : text,
        toolCalls,
        finishReason: toolCalls.length > 0 ? 'tool_calls' : finishReason,
        tokens: completionTokens ?? tokens,
        ...(serverTimings === undefined ? {} : { serverTimings }),
      };
    },
  };
}

/** The fields of a streamed chat completion chunk the twin reads (llama-server adds `timings` to the last). */
interface StreamChunk {
  readonly choices?: readonly {
    readonly delta?: { readonly content?: string | null; readonly tool_calls?: readonly { readonly index: number; readonly id?: string; readonly function?: { readonly name?: string; readonly arguments?: string } }[] };
    readonly finish_reason?: string | null;
  }[];
  readonly usage?: { readonly completion_tokens?: number } | null;
  readonly timings?: Record<string, number>;
  readonly error?: unknown;
}

/** An error object a server sent inside the stream, as text. */
function describeStreamError(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  return JSON.stringify(error);
}

/** The answer text without the leaked call markup. */
function stripCalls(text: string): string {
  return text
    .replace(/<tool_call>[\s\S]*?(<\/tool_call>|$)/g, '')
    .replace(/\[TOOL_CALLS\][\s\S]*$/, '')
    .replace(/<\|python_tag\|>[\s\S]*$/, '')
    .replace(/^\s*\{[\s\S]*\}\s*$/, '')
    .trim();
}

/** A failed model request as a HearthError: cancelled (by barge-in) or unreachable / refused. */
export function modelError(baseUrl: string, err: unknown, signal: AbortSignal): HearthError {
  if (!signal.aborted && isHearthError(err)) return err;
  if (signal.aborted) return new HearthError('HEARTH_ERR_TIMEOUT', `The request to ${baseUrl} was cancelled.`, { cause: err, details: { baseUrl, cancelled: true } });
  const status = (err as { status?: unknown }).status;
  const message = (err as Error).message ?? String(err);
  if (typeof status === 'number') {
    return new HearthError('HEARTH_ERR_UNREACHABLE', `The model server at ${baseUrl} answered ${status}: ${message}`, { cause: err, details: { baseUrl, status } });
  }
  return new HearthError('HEARTH_ERR_UNREACHABLE', `The model server at ${baseUrl} could not be reached: ${message}`, { cause: err, details: { baseUrl } });
}
