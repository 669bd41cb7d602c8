// Opens a streamed chat completion (POST {baseUrl}/chat/completions) with
// node:http and hands back the response once its status is known. This is
// the twin's hot path: read by `data` events, a streamed answer costs a
// fraction of what the fetch stack (undici, web streams, the openai package's
// SSE decoder) costs per token, and on a shared CPU that time is taken from
// the model itself (testing/bench/twin, docs/twin.md). An answer other than
// 2xx is read whole and becomes a HearthError with the server's message.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HearthError } from '../errors.js';

export interface ChatRequestDeps {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
  readonly apiKey: string;
  /** Longest wait for the response's status line (covers a cold start held by the power manager). */
  readonly timeoutMs: number;
}

export function createAgents(): { http: HttpAgent; https: HttpsAgent } {
  return { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
}

/** Resolves the 2xx response (its body not yet read); rejects with a HearthError. */
export async function openChatStream(deps: ChatRequestDeps, baseUrl: string, body: unknown, signal: AbortSignal): Promise<IncomingMessage> {
  const payload = JSON.stringify(body);
  try {
    return await once(deps, baseUrl, payload, signal);
  } catch (err) {
    // A kept-alive connection the server had just closed fails before anything came back: ask once more.
    if (err instanceof HearthError && err.details['staleConnection'] === true && !signal.aborted) return await once(deps, baseUrl, payload, signal);
    throw err;
  }
}

function once(deps: ChatRequestDeps, baseUrl: string, payload: string, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const url = new URL(`${baseUrl.replace(/\/+$/, '')}/chat/completions`);
    const secure = url.protocol === 'https:';
    const req = (secure ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      agent: secure ? deps.https : deps.http,
      signal,
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${deps.apiKey}`,
        'content-length': Buffer.byteLength(payload),
      },
    });
    const timer = setTimeout(() => req.destroy(new HearthError('HEARTH_ERR_UNREACHABLE', `The model server at ${baseUrl} did not answer within ${deps.timeoutMs} ms.`, { details: { baseUrl } })), deps.timeoutMs);
    timer.unref();
    req.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (signal.aborted) return reject(cancelled(baseUrl, err));
      if (err instanceof HearthError) return reject(err);
      // A kept-alive connection the server closed while it sat idle fails like this before any answer.
      const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      reject(new HearthError('HEARTH_ERR_UNREACHABLE', `The model server at ${baseUrl} could not be reached: ${err.message}`, { cause: err, details: { baseUrl, ...(stale ? { staleConnection: true } : {}) } }));
    });
    req.once('response', (res) => {
      clearTimeout(timer);
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return resolve(res);
      readAll(res).then(
        (text) => reject(new HearthError('HEARTH_ERR_UNREACHABLE', `The model server at ${baseUrl} answered ${status}: ${errorMessage(text)}`, { details: { baseUrl, status } })),
        (err: unknown) => reject(signal.aborted ? cancelled(baseUrl, err) : new HearthError('HEARTH_ERR_UNREACHABLE', `The model server at ${baseUrl} answered ${status} and then failed.`, { cause: err, details: { baseUrl, status } })),
      );
    });
    req.end(payload);
  });
}

export function cancelled(baseUrl: string, cause: unknown): HearthError {
  return new HearthError('HEARTH_ERR_TIMEOUT', `The request to ${baseUrl} was cancelled.`, { cause, details: { baseUrl, cancelled: true } });
}

async function readAll(res: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of res) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** The `error.message` of an OpenAI-style error body, else the body itself (cut short). */
function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === 'object' && typeof parsed.error?.message === 'string') return parsed.error.message;
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the text itself
  }
  const trimmed = text.trim();
  return trimmed === '' ? '(no body)' : trimmed.slice(0, 500);
}
