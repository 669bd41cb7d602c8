// Chat completions against an OpenAI-compatible server (llama-server, vLLM)
// through the official `openai` package: streamed, with tools. Tool-call
// deltas are accumulated by index; tool calls a model leaks into its text are
// recovered; the caller's signal cancels the request (barge-in), which closes
// the connection so the server stops generating. The package itself is
// loaded at the first request (openai-package.ts).
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { HearthError } from '../errors.js';
import type { ToolDescriptor } from '../tools/invoke.js';
import { createLeakGuard } from './leaked-tool-calls.js';
import { loadOpenAi, type OpenAiClass } from './openai-package.js';

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
  | { readonly type: 'delta'; readonly text: string }
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
}

export function toOpenAiTools(tools: readonly ToolDescriptor[]): ChatCompletionTool[] {
  return tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema } }));
}

export function createModelClient(options: ModelClientOptions = {}): ModelClient {
  const clients = new Map<string, OpenAI>();
  const clientFor = (OpenAiClient: OpenAiClass, baseUrl: string) => {
    let client = clients.get(baseUrl);
    if (client === undefined) {
      client = new OpenAiClient({ baseURL: baseUrl, apiKey: options.apiKey ?? 'hearth', maxRetries: 0, timeout: options.timeoutMs ?? 600_000 });
      clients.set(baseUrl, client);
    }
    return client;
  };

  return {
    async *stream(request) {
      const tools = request.tools ?? [];
      const known = new Set(tools.map((t) => t.name));
      const guard = createLeakGuard(known);
      let stream;
      let OpenAiClient: OpenAiClass;
      try {
        OpenAiClient = await loadOpenAi();
      } catch (err) {
        throw modelError(request.baseUrl, err, request.signal);
      }
      const create = () =>
        clientFor(OpenAiClient, request.baseUrl).chat.completions.create(
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
        );
      try {
        try {
          stream = await create();
        } catch (err) {
          // A kept-alive connection the server had just closed fails before anything was sent back: ask once more.
          if (request.signal.aborted || (err as { status?: unknown }).status !== undefined || !(err instanceof OpenAiClient.APIConnectionError) || err instanceof OpenAiClient.APIConnectionTimeoutError) throw err;
          stream = await create();
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
      try {
        for await (const chunk of stream) {
          const timings = (chunk as unknown as { timings?: Record<string, number> }).timings;
          if (timings !== undefined) serverTimings = timings;
          if (chunk.usage?.completion_tokens !== undefined) completionTokens = chunk.usage.completion_tokens;
          for (const choice of chunk.choices ?? []) {
            const delta = choice.delta;
            if (typeof delta?.content === 'string' && delta.content !== '') {
              tokens += 1;
              text += delta.content;
              const visible = guard.push(delta.content);
              if (visible !== '') yield { type: 'delta', text: visible };
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
        }
      } catch (err) {
        throw modelError(request.baseUrl, err, request.signal);
      }
      // The openai stream ends quietly when its signal aborts; a cancelled answer is not a complete one.
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
  if (signal.aborted) return new HearthError('HEARTH_ERR_TIMEOUT', `The request to ${baseUrl} was cancelled.`, { cause: err, details: { baseUrl, cancelled: true } });
  const status = (err as { status?: unknown }).status;
  const message = (err as Error).message ?? String(err);
  if (typeof status === 'number') {
    return new HearthError('HEARTH_ERR_UNREACHABLE', `The model server at ${baseUrl} answered ${status}: ${message}`, { cause: err, details: { baseUrl, status } });
  }
  return new HearthError('HEARTH_ERR_UNREACHABLE', `The model server at ${baseUrl} could not be reached: ${message}`, { cause: err, details: { baseUrl } });
}
