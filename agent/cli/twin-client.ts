// How the twin's commands (chat, approvals, memory) reach the local agent:
// the URL from --agent or api.listen, the token from api.token (never printed),
// JSON calls and the SSE stream of a turn.
import { invalidInput, HearthError, type ErrorCode, ERROR_CODES } from '../errors.js';
import { describeSource, loadConfig } from '../config/load.js';
import { formatReachableUrl, parseListenAddress } from '../http-api/listen-address.js';
import { readTurnEvents } from '../twin/sse-frames.js';
import type { TurnEvent } from '../twin/events.js';
import type { CliIo } from './command.js';

export interface AgentTarget {
  readonly url: string;
  readonly source: string;
  readonly token: string | undefined;
}

export function resolveAgentTarget(values: { agent?: string | undefined; config?: string | undefined }, io: CliIo): AgentTarget {
  const loaded = loadConfig({ configPath: values.config, env: io.env });
  const token = loaded.config.api.token;
  if (values.agent !== undefined) {
    let url: URL;
    try {
      url = new URL(values.agent);
    } catch {
      throw invalidInput('--agent', 'an http(s) URL such as http://127.0.0.1:8000', values.agent, 'the command line');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidInput('--agent', 'an http(s) URL such as http://127.0.0.1:8000', values.agent, 'the command line');
    return { url: values.agent.replace(/\/+$/, ''), source: '--agent', token };
  }
  const source = `api.listen from ${describeSource(loaded, 'api.listen')}`;
  return { url: formatReachableUrl(parseListenAddress(loaded.config.api.listen, source)), source, token };
}

async function request(target: AgentTarget, method: string, path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  try {
    return await fetch(`${target.url}${path}`, {
      method,
      headers: {
        ...(target.token === undefined ? {} : { authorization: `Bearer ${target.token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new HearthError('HEARTH_ERR_UNREACHABLE', `Cannot reach the hearth agent at ${target.url} (${target.source}): ${cause?.code ?? cause?.message ?? (err as Error).message}.`, {
      cause: err,
      details: { url: target.url, source: target.source },
    });
  }
}

async function refusal(target: AgentTarget, response: Response): Promise<HearthError> {
  const text = await response.text();
  let error: { code?: string; message?: string } | undefined;
  try {
    error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
  } catch {
    error = undefined;
  }
  const code: ErrorCode = error?.code !== undefined && error.code in ERROR_CODES ? (error.code as ErrorCode) : 'HEARTH_ERR_UNREACHABLE';
  const hint = response.status === 401 || response.status === 403 ? ' (set api.token in the config or HEARTH_API_TOKEN to the agent\'s token)' : '';
  return new HearthError(code, `${error?.message ?? `The agent at ${target.url} answered ${response.status}.`}${hint}`, { details: { status: response.status } });
}

export async function callTwin(target: AgentTarget, method: string, path: string, body?: unknown): Promise<any> {
  const response = await request(target, method, path, body);
  if (!response.ok) throw await refusal(target, response);
  const text = await response.text();
  return text === '' ? undefined : JSON.parse(text);
}

/** Posts a message and yields the turn's events as they arrive. */
export async function* streamTurn(target: AgentTarget, conversation: string, text: string, signal: AbortSignal): AsyncIterable<TurnEvent> {
  const response = await request(target, 'POST', `/api/v1/conversations/${encodeURIComponent(conversation)}/messages`, { text }, signal);
  if (!response.ok) throw await refusal(target, response);
  try {
    yield* readTurnEvents(response.body as unknown as AsyncIterable<Uint8Array>);
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}
