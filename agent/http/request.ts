// The one HTTP helper both API clients use: base address, headers, JSON bodies,
// query strings, a per-request timeout joined with the caller's AbortSignal, TLS
// through a keep-alive node:http(s) Agent, and error mapping (see map-error.ts).
// node:http rather than undici: the agent at rest holds a blocking read open per
// watched service, and undici (its code and its WebAssembly HTTP parser) alone
// cost an agent watching 200 services about 15 MB of its resident memory.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { invalidInput } from '../errors.js';
import { buildQueryString, type Query } from './query-string.js';
import { readTlsMaterial, type TlsFiles } from './tls.js';
import {
  isConnectionFailure,
  statusError,
  timeoutError,
  unreachableError,
  type ApiService,
  type Endpoint,
} from './map-error.js';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface HttpClientOptions {
  readonly service: ApiService;
  /** Base address such as http://127.0.0.1:4646 (no /v1). */
  readonly addr: string;
  /** Where the address came from, for messages: "environment NOMAD_ADDR", "file /etc/hearth/hearth.yaml", "default". */
  readonly addrSource?: string;
  /** Headers sent on every request (the token header goes here; it never appears in errors). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly tls?: TlsFiles;
  /** Default per-request timeout. */
  readonly timeoutMs?: number;
}

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Path from the base address, e.g. /v1/jobs. */
  readonly path: string;
  readonly query?: Query;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as is (Consul KV values). */
  readonly rawBody?: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

export interface HttpResponse<T> {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly data: T;
}

export interface HttpStream {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly body: AsyncIterable<Buffer>;
  /** Ends the response body early. */
  close(): void;
}

export interface HttpClient {
  readonly endpoint: Endpoint;
  /** Sends the request and parses a JSON answer (an empty body gives undefined). */
  json<T>(req: HttpRequest): Promise<HttpResponse<T>>;
  /** Sends the request and returns the body as text. */
  text(req: HttpRequest): Promise<HttpResponse<string>>;
  /** Sends the request and hands back the body as a stream; the timeout covers only the wait for headers. */
  stream(req: HttpRequest): Promise<HttpStream>;
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const addr = options.addr.replace(/\/+$/, '');
  const endpoint: Endpoint = { service: options.service, addr, addrSource: options.addrSource ?? 'default' };
  if (!/^https?:\/\/[^/?#]+$/.test(addr) || !URL.canParse(addr)) {
    throw invalidInput(`${options.service} address`, 'an http:// or https:// URL such as http://127.0.0.1:4646', options.addr, endpoint.addrSource);
  }
  const tls = options.tls === undefined ? {} : readTlsMaterial(options.tls, endpoint.addrSource);
  // Timeouts are ours (per request, longer than a blocking query's wait): the sockets have none.
  const secure = addr.startsWith('https:');
  const agent = secure ? new https.Agent({ keepAlive: true, ...tls }) : new http.Agent({ keepAlive: true });
  const transport = secure ? https : http;

  function exchange(url: string, method: HttpMethod, headers: Record<string, string>, body: string | Buffer | undefined, signal: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = transport.request(url, { method, headers, signal, agent }, resolve);
      request.once('error', reject);
      request.end(body);
    });
  }
  const defaultTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const baseHeaders = options.headers ?? {};

  async function send(req: HttpRequest): Promise<{ status: number; headers: ResponseHeaders; body: Readable & AsyncIterable<Buffer>; done: () => void; url: string; timerSignal: AbortSignal; timeoutMs: number }> {
    const url = `${addr}${req.path}${buildQueryString(req.query)}`;
    const timeoutMs = req.timeoutMs ?? defaultTimeoutMs;
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), timeoutMs);
    const signal = req.signal === undefined ? timer.signal : AbortSignal.any([req.signal, timer.signal]);
    const headers: Record<string, string> = { ...baseHeaders, ...req.headers };
    let body: string | Buffer | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (req.rawBody !== undefined) {
      body = req.rawBody;
    }
    try {
      const res = await exchange(url, req.method, headers, body, signal);
      return {
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: res,
        done: () => clearTimeout(timeout),
        url,
        timerSignal: timer.signal,
        timeoutMs,
      };
    } catch (err) {
      clearTimeout(timeout);
      throw mapFailure(err, req, timer.signal, timeoutMs);
    }
  }

  function mapFailure(err: unknown, req: HttpRequest, timerSignal: AbortSignal, timeoutMs: number): unknown {
    if (req.signal?.aborted === true) return abortReason(req.signal);
    if (timerSignal.aborted) return timeoutError(endpoint, req.method, req.path, timeoutMs);
    if (isConnectionFailure(err)) return unreachableError(endpoint, err);
    return err;
  }

  async function readAll(req: HttpRequest): Promise<HttpResponse<string>> {
    const res = await send(req);
    let text: string;
    try {
      text = await readBody(res.body);
    } catch (err) {
      throw mapFailure(err, req, res.timerSignal, res.timeoutMs);
    } finally {
      res.done();
    }
    if (res.status < 200 || res.status >= 300) {
      throw statusError(endpoint.service, { status: res.status, body: text, method: req.method, url: res.url });
    }
    return { status: res.status, headers: res.headers, data: text };
  }

  return {
    endpoint,
    async json<T>(req: HttpRequest): Promise<HttpResponse<T>> {
      const res = await readAll(req);
      return { status: res.status, headers: res.headers, data: (res.data.trim() === '' ? undefined : JSON.parse(res.data)) as T };
    },
    text: readAll,
    async stream(req: HttpRequest): Promise<HttpStream> {
      const res = await send(req);
      res.done();
      if (res.status < 200 || res.status >= 300) {
        const text = await readBody(res.body).catch(() => '');
        throw statusError(endpoint.service, { status: res.status, body: text, method: req.method, url: res.url });
      }
      return { status: res.status, headers: res.headers, body: res.body, close: () => res.body.destroy() };
    },
    async close(): Promise<void> {
      agent.destroy();
    },
  };
}

async function readBody(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function abortReason(signal: AbortSignal): Error {
  const err = new Error('the operation was aborted', { cause: signal.reason });
  err.name = 'AbortError';
  return err;
}

/** One response header as a string (the first value when repeated). */
export function readHeader(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
