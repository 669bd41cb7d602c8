// The agent's HTTP API server. It knows nothing of what the routes do: it
// matches the path, checks the bearer token, reads a size-limited JSON body
// and turns every failure into `{ error: { code, message } }`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HearthError, isHearthError, type ErrorCode } from '../errors.js';
import type { Logger } from '../log.js';
import type { Duplex } from 'node:stream';
import type { HttpMethod, Principal, RequestAuthenticator, Route, RouteResponse, UpgradeRoute } from './route.js';
import { createRouteTable } from './route-table.js';
import { createTokenCheck } from './token-check.js';
import { parseListenAddress } from './listen-address.js';

export interface ApiServerOptions {
  /** HOST:PORT, bound exactly as given (port 0 picks a free port). */
  readonly listen: string;
  /** The bearer token that 'token' routes require; without one they answer 403. */
  readonly token: string | undefined;
  readonly log: Logger;
  readonly routes: readonly Route[];
  /** WebSocket (upgrade) endpoints. */
  readonly upgrades?: readonly UpgradeRoute[];
  /** Recognises requests without a bearer token (a signed-in page's session); default: anonymous. */
  readonly authenticate?: RequestAuthenticator;
  /** Largest JSON body accepted, in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
}

export interface ApiServer {
  start(): Promise<{ address: string; port: number }>;
  stop(): Promise<void>;
}

const METHODS: ReadonlySet<string> = new Set<HttpMethod>(['GET', 'PUT', 'POST', 'DELETE']);
const DEFAULT_BODY_LIMIT = 1024 * 1024;

class RequestRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

function errorResponse(status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): RouteResponse {
  return { status, json: { error: { code, message } }, headers };
}

/** HearthErrors a handler throws map onto HTTP statuses; anything else is a 500. */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  HEARTH_ERR_INVALID_INPUT: 400,
  HEARTH_ERR_UNAUTHORIZED: 401,
  HEARTH_ERR_NOT_FOUND: 404,
  HEARTH_ERR_UNREACHABLE: 503,
  HEARTH_ERR_TIMEOUT: 504,
};

async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    throw new RequestRefused(413, 'HEARTH_ERR_INVALID_INPUT', `Expected a request body of at most ${limit} bytes, got ${declared}.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new RequestRefused(413, 'HEARTH_ERR_INVALID_INPUT', `Expected a request body of at most ${limit} bytes, got more.`, { connection: 'close' });
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new RequestRefused(400, 'HEARTH_ERR_INVALID_INPUT', `Expected a JSON request body, got malformed JSON: ${(err as Error).message}.`);
  }
}

async function sendStream(res: ServerResponse, response: RouteResponse, stream: AsyncIterable<string | Buffer>, log: Logger): Promise<void> {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...response.headers };
  headers['content-type'] = response.contentType ?? 'text/event-stream; charset=utf-8';
  res.writeHead(response.status, headers);
  res.flushHeaders();
  try {
    for await (const chunk of stream) {
      if (res.destroyed) break;
      if (!res.write(chunk)) await waitForDrain(res);
    }
  } catch (err) {
    log.warn({ err }, 'response stream failed');
  }
  res.end();
}

async function takeOver(res: ServerResponse, takeover: (res: ServerResponse) => Promise<void>, log: Logger): Promise<void> {
  try {
    await takeover(res);
  } catch (err) {
    log.error({ err }, 'response handler failed');
    if (!res.headersSent) send(res, errorResponse(500, 'HEARTH_ERR_INTERNAL', 'The request failed inside the agent; see its log.'));
    else res.destroy();
  }
}

/** Resolves on 'drain' or 'close', removing the other listener so a long stream does not pile them up. */
function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function send(res: ServerResponse, response: RouteResponse): void {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...response.headers };
  let payload: string | Buffer;
  if (response.bytes !== undefined) {
    payload = response.bytes;
    headers['content-type'] = response.contentType ?? 'application/octet-stream';
  } else if (response.text !== undefined) {
    payload = response.text;
    headers['content-type'] = response.contentType ?? 'text/plain; charset=utf-8';
  } else {
    payload = response.json === undefined ? '' : JSON.stringify(response.json);
    if (payload !== '') headers['content-type'] = response.contentType ?? 'application/json';
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

export function createApiServer(options: ApiServerOptions): ApiServer {
  const { log } = options;
  const address = parseListenAddress(options.listen);
  const match = createRouteTable(options.routes);
  const checkToken = createTokenCheck(options.token);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const upgrades = options.upgrades ?? [];
  const authenticate: RequestAuthenticator = options.authenticate ?? (() => ({ kind: 'anonymous' }));
  let server: Server | undefined;

  /** Who the request is from; a bearer header that is present decides alone (a wrong one is never rescued by a cookie). */
  function identify(req: IncomingMessage): Principal {
    if (req.headers['authorization'] !== undefined) {
      return checkToken(req.headers['authorization']) === 'ok' ? { kind: 'token' } : { kind: 'anonymous' };
    }
    return authenticate(req);
  }

  function authorize(route: { auth: 'none' | 'token' }, req: IncomingMessage, principal: Principal): void {
    if (route.auth === 'none') return;
    if (principal.kind !== 'anonymous') return;
    const verdict = checkToken(req.headers['authorization']);
    if (verdict === 'ok') return;
    if (verdict === 'not-configured') {
      throw new RequestRefused(403, 'HEARTH_ERR_UNAUTHORIZED', 'This endpoint changes state and is disabled: no API token is configured (set api.token or HEARTH_API_TOKEN).');
    }
    const message = verdict === 'missing' ? 'This endpoint requires `Authorization: Bearer <token>`.' : 'The bearer token is not the agent\'s API token.';
    throw new RequestRefused(401, 'HEARTH_ERR_UNAUTHORIZED', message, { 'www-authenticate': 'Bearer' });
  }

  async function answer(req: IncomingMessage, signal: AbortSignal): Promise<RouteResponse> {
    const url = new URL(req.url ?? '/', 'http://agent.invalid');
    const method = req.method ?? 'GET';
    const found = match(method, url.pathname);
    if (found.kind === 'not-found') {
      return errorResponse(404, 'HEARTH_ERR_NOT_FOUND', `No endpoint at ${url.pathname}.`);
    }
    if (found.kind === 'wrong-method' || !METHODS.has(method)) {
      const allowed = found.kind === 'wrong-method' ? found.allowed : [];
      return errorResponse(405, 'HEARTH_ERR_INVALID_INPUT', `Expected ${allowed.join(' or ')} for ${url.pathname}, got ${method}.`, { allow: allowed.join(', ') });
    }
    const principal = identify(req);
    authorize(found.route, req, principal);
    const body = await readBody(req, bodyLimit);
    return await found.route.handler({
      method: found.route.method,
      params: found.params,
      query: url.searchParams,
      body,
      remoteAddress: req.socket.remoteAddress ?? '',
      raw: req,
      signal,
      principal,
    });
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://agent.invalid');
    const route = upgrades.find((u) => u.path === url.pathname);
    const refuse = (status: number, code: ErrorCode, message: string) => {
      // A client that resets the connection while it is refused must not take the process down.
      socket.once('error', () => undefined);
      const body = JSON.stringify({ error: { code, message } });
      socket.end(`HTTP/1.1 ${status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    };
    if (route === undefined) return refuse(404, 'HEARTH_ERR_NOT_FOUND', `No upgrade endpoint at ${url.pathname}.`);
    try {
      const principal = identify(req);
      authorize(route, req, principal);
      route.handle(req, socket, head, principal);
    } catch (err) {
      if (err instanceof RequestRefused) return refuse(err.status, err.code, err.message);
      log.error({ err, path: url.pathname }, 'upgrade handler failed');
      refuse(500, 'HEARTH_ERR_INTERNAL', 'The upgrade failed inside the agent; see its log.');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let response: RouteResponse;
    const aborter = new AbortController();
    res.once('close', () => { if (!res.writableFinished) aborter.abort(); });
    try {
      response = await answer(req, aborter.signal);
    } catch (err) {
      if (err instanceof RequestRefused) {
        response = errorResponse(err.status, err.code, err.message, { ...err.headers });
      } else if (isHearthError(err) && STATUS_BY_CODE[err.code] !== undefined) {
        response = errorResponse(STATUS_BY_CODE[err.code] ?? 500, err.code, err.message);
      } else {
        log.error({ err, method: req.method, path: req.url?.split('?')[0] }, 'request handler failed');
        response = errorResponse(500, 'HEARTH_ERR_INTERNAL', 'The request failed inside the agent; see its log.');
      }
    }
    // Drain whatever body a refused request still carries so the connection stays usable.
    if (!req.complete) req.resume();
    if (response.takeover !== undefined) await takeOver(res, response.takeover, log);
    else if (response.stream !== undefined) await sendStream(res, response, response.stream, log);
    else send(res, response);
  }

  return {
    async start() {
      if (server !== undefined) throw new HearthError('HEARTH_ERR_INTERNAL', 'The API server is already started.');
      const created = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
        handle(req, res).catch((err: unknown) => {
          log.error({ err }, 'could not answer a request');
          res.destroy();
        });
      });
      created.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => upgrade(req, socket, head));
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen({ host: address.host, port: address.port, exclusive: true }, () => {
          created.off('error', reject);
          resolve();
        });
      }).catch((err: unknown) => {
        throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Cannot listen on ${options.listen}: ${(err as Error).message}`, { cause: err });
      });
      server = created;
      const bound = created.address() as AddressInfo;
      log.info({ address: bound.address, port: bound.port }, 'api server listening');
      return { address: bound.address, port: bound.port };
    },
    async stop() {
      const current = server;
      server = undefined;
      if (current === undefined) return;
      const closed = new Promise<void>((resolve) => current.close(() => resolve()));
      current.closeIdleConnections();
      // Requests still running get a moment; then their sockets go too.
      const timer = setTimeout(() => current.closeAllConnections(), 1000);
      await closed;
      clearTimeout(timer);
    },
  };
}
