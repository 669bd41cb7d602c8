// Chat completions against an OpenAI-compatible server (llama-server, vLLM):
// streamed, with tools (the request and message types are the `openai`
// package's). Tool-call deltas are accumulated by index; tool calls a model
// leaks into its text are recovered; the caller's signal cancels the request
// (barge-in), which closes the connection so the server stops generating.
// This is the twin's per-token hot path, so the request is node:http
// (chat-request.ts), each network read is parsed where it lands (sse-data.ts),
// and tokens that arrive within a few ms of each other become one delta
// (coalescer.ts), which goes out no later than that.
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { HearthError, isHearthError } from '../errors.js';
import type { ToolDescriptor } from '../tools/invoke.js';
import { createLeakGuard } from './leaked-tool-calls.js';
import { cancelled, createAgents, openChatStream } from './chat-request.js';
import { createCoalescer, realTimers, type Timers } from './coalescer.js';
import { createDeltaQueue } from './delta-queue.js';
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
  /** `tokens`: how many of the model's tokens this text carries (coalesced within a few ms); 1 when unset. */
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
  /** Closes the kept-alive connections. */
  close?(): void;
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
  const agents = createAgents();
  const deps = { ...agents, apiKey: options.apiKey ?? 'hearth', timeoutMs: options.timeoutMs ?? 600_000 };
  const coalesceMs = options.coalesceMs ?? DEFAULT_COALESCE_MS;
  const timers = options.timers ?? realTimers;

  return {
    async *stream(request) {
      const tools = request.tools ?? [];
      const known = new Set(tools.map((t) => t.name));
      const guard = createLeakGuard(known);
      const body = {
        model: request.model,
        messages: request.messages,
        stream: true,
        stream_options: { include_usage: true },
        ...(tools.length === 0 ? {} : { tools: toOpenAiTools(tools) }),
        ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      };
      const response = await openChatStream(deps, request.baseUrl, body, request.signal);
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      let text = '';
      let finishReason = 'stop';
      let tokens = 0;
      let completionTokens: number | undefined;
      let serverTimings: Record<string, number> | undefined;
      const reader = createSseDataReader();
      const queue = createDeltaQueue();
      const coalescer = createCoalescer({ windowMs: coalesceMs, timers, emit: (t, n) => queue.push(t, n) });
      /** Folds one chunk of the answer in; returns true on [DONE]. */
      const take = (payload: string): boolean => {
        if (payload === '[DONE]') return true;
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
            text += delta.content;
            coalescer.add(guard.push(delta.content), 1);
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
        return false;
      };
      // Every network read is parsed where it lands (no promise per read); the coalescer decides when a delta
      // goes to the queue. The answer ends at [DONE]; the rest of the body is still read (and ignored), so a
      // kept-alive connection can be reused.
      let done = false;
      let ended = false;
      const finish = () => {
        if (ended) return;
        ended = true;
        coalescer.flush();
        queue.end();
      };
      const failWith = (err: unknown) => {
        if (ended) return;
        ended = true;
        coalescer.stop();
        queue.fail(err);
      };
      response.on('data', (bytes: Buffer) => {
        if (done || ended) return;
        try {
          for (const payload of reader.push(bytes)) if (!done && take(payload)) done = true;
          if (done) finish();
        } catch (err) {
          failWith(err);
          response.destroy();
        }
      });
      response.once('end', () => {
        try {
          if (!done) for (const payload of reader.end()) if (!done && take(payload)) done = true;
          finish();
        } catch (err) {
          failWith(err);
        }
      });
      response.once('error', (err) => failWith(err));
      // A body cut before its end (the server went away, or the signal) without an error event.
      response.once('close', () => {
        if (!response.complete) failWith(new HearthError('HEARTH_ERR_UNREACHABLE', `The model server at ${request.baseUrl} cut its answer off before the end.`, { details: { baseUrl: request.baseUrl } }));
      });
      try {
        for await (const delta of queue) yield { type: 'delta', text: delta.text, tokens: delta.tokens };
      } catch (err) {
        throw modelError(request.baseUrl, err, request.signal);
      } finally {
        coalescer.stop();
        // The consumer stopped early: close the request so the server stops generating.
        if (!ended) response.destroy();
      }
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
    close() {
      agents.http.destroy();
      agents.https.destroy();
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
  if (signal.aborted) return isHearthError(err, 'HEARTH_ERR_TIMEOUT') ? err : cancelled(baseUrl, err);
  if (isHearthError(err)) return err;
  const status = (err as { status?: unknown }).status;
  const message = (err as Error).message ?? String(err);
  if (typeof status === 'number') {
    return new HearthError('HEARTH_ERR_UNREACHABLE', `The model server at ${baseUrl} answered ${status}: ${message}`, { cause: err, details: { baseUrl, status } });
  }
  return new HearthError('HEARTH_ERR_UNREACHABLE', `The model server at ${baseUrl} could not be reached: ${message}`, { cause: err, details: { baseUrl } });
}
