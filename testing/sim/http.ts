// A tiny HTTP layer for the simulator: a route table with `:param` and `*rest`
// segments, plain-text errors (as Nomad and Consul answer), JSON replies and a
// listener that can be closed and reopened on the same port.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { Socket } from 'node:net';

/** An error answered as a plain-text body with its status code. */
export class SimHttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'SimHttpError';
    this.status = status;
  }
}

export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly params: Readonly<Record<string, string>>;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** Address of the listener that took the request (selects the simulated node). */
  readonly localAddress: string;
  readBody(): Promise<Buffer>;
  /** The body parsed as JSON; `emptyMessage` is the 400 text for an empty body. */
  readJson(emptyMessage?: string): Promise<unknown>;
  readonly raw: IncomingMessage;
  readonly res: ServerResponse;
}

export type Reply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'text'; status?: number; body: string | Buffer; headers?: Record<string, string>; contentType?: string }
  /** The handler wrote the response itself (streams). */
  | { kind: 'handled' };

export type Handler = (req: SimRequest) => Reply | Promise<Reply>;

export interface Route {
  readonly methods: readonly string[];
  readonly pattern: string;
  readonly handler: Handler;
}

interface CompiledRoute extends Route {
  readonly segments: readonly string[];
}

export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

/** Finds the route for a path; a path that matches with another method gives 405. */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch | 'not-found' | 'bad-method' {
  const parts = path.split('/').slice(1);
  let pathMatched = false;
  for (const route of routes as readonly CompiledRoute[]) {
    const params = matchSegments(route.segments ?? route.pattern.split('/').slice(1), parts);
    if (params === undefined) continue;
    pathMatched = true;
    if (route.methods.includes(method)) return { route, params };
  }
  return pathMatched ? 'bad-method' : 'not-found';
}

function matchSegments(segments: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i += 1) {
    const seg = segments[i] ?? '';
    if (seg.startsWith('*')) {
      params[seg.slice(1)] = parts.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.startsWith(':')) {
      if (part === '') return undefined;
      params[seg.slice(1)] = decodeURIComponent(part);
    } else if (seg !== part) return undefined;
  }
  return parts.length === segments.length ? params : undefined;
}

export function compileRoutes(routes: readonly Route[]): Route[] {
  return routes.map((r) => ({ ...r, segments: r.pattern.split('/').slice(1) }) as CompiledRoute);
}

export interface DispatchOptions {
  readonly routes: readonly Route[];
  /** Runs before the handler; may throw SimHttpError (ACL checks). */
  readonly guard?: (req: SimRequest, match: RouteMatch) => void;
  /** Headers added to every reply, errors included. */
  readonly commonHeaders?: () => Record<string, string>;
  readonly notFoundText?: string;
  readonly badMethodText: string;
  readonly onError?: (err: unknown) => void;
}

/** Builds the request handler of a listener. */
export function createDispatcher(options: DispatchOptions) {
  const routes = compileRoutes(options.routes);
  return async function dispatch(raw: IncomingMessage, res: ServerResponse, localAddress: string): Promise<void> {
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const url = new URL(raw.url ?? '/', 'http://sim');
    const method = raw.method ?? 'GET';
    let bodyPromise: Promise<Buffer> | undefined;
    const readBody = (): Promise<Buffer> => (bodyPromise ??= collectBody(raw));
    const common = options.commonHeaders?.() ?? {};
    try {
      const match = matchRoute(routes, method, url.pathname);
      if (match === 'not-found') throw new SimHttpError(404, options.notFoundText ?? 'Not Found');
      if (match === 'bad-method') throw new SimHttpError(405, options.badMethodText);
      const req: SimRequest = {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: raw.headers,
        params: match.params,
        signal: controller.signal,
        localAddress,
        readBody,
        async readJson(emptyMessage = 'Request body is empty') {
          const buf = await readBody();
          if (buf.length === 0) throw new SimHttpError(400, emptyMessage);
          try {
            return JSON.parse(buf.toString('utf8')) as unknown;
          } catch (err) {
            throw new SimHttpError(400, `Failed to decode request body: ${(err as Error).message}`);
          }
        },
        raw,
        res,
      };
      options.guard?.(req, match);
      const reply = await match.route.handler(req);
      if (reply.kind === 'handled' || res.destroyed) return;
      writeReply(res, reply, common, url.searchParams.has('pretty'));
    } catch (err) {
      if (res.destroyed || res.headersSent) return;
      if (err instanceof SimHttpError) {
        writeReply(res, { kind: 'text', status: err.status, body: err.message }, common, false);
      } else {
        options.onError?.(err);
        writeReply(res, { kind: 'text', status: 500, body: err instanceof Error ? err.message : String(err) }, common, false);
      }
    }
  };
}

function writeReply(res: ServerResponse, reply: Exclude<Reply, { kind: 'handled' }>, common: Record<string, string>, pretty: boolean): void {
  const headers: Record<string, string> = { ...common, ...(reply.headers ?? {}) };
  let body: string | Buffer;
  if (reply.kind === 'json') {
    headers['Content-Type'] = 'application/json';
    body = pretty ? JSON.stringify(reply.body, null, 4) : JSON.stringify(reply.body);
  } else {
    headers['Content-Type'] = reply.contentType ?? 'text/plain; charset=utf-8';
    body = reply.body;
  }
  headers['Content-Length'] = String(Buffer.byteLength(body));
  res.writeHead(reply.status ?? 200, headers);
  res.end(body);
}

function collectBody(raw: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => resolve(Buffer.concat(chunks)));
    raw.on('error', reject);
  });
}

/** A listener that tracks its sockets so close() really closes, and can reopen on the same port. */
export interface SimListener {
  listen(port: number): Promise<number>;
  close(): Promise<void>;
  readonly port: number;
}

export function createListener(host: string, handle: (req: IncomingMessage, res: ServerResponse, localAddress: string) => Promise<void>): SimListener {
  let server: Server | undefined;
  let port = 0;
  const sockets = new Set<Socket>();
  return {
    get port() {
      return port;
    },
    listen(wanted) {
      return new Promise((resolve, reject) => {
        const srv = createServer((req, res) => void handle(req, res, host));
        srv.keepAliveTimeout = 5000;
        srv.on('connection', (socket) => {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
        });
        srv.once('error', reject);
        srv.listen(wanted, host, () => {
          srv.off('error', reject);
          const addr = srv.address();
          port = typeof addr === 'object' && addr !== null ? addr.port : wanted;
          server = srv;
          resolve(port);
        });
      });
    },
    close() {
      const srv = server;
      server = undefined;
      if (srv === undefined) return Promise.resolve();
      return new Promise((resolve) => {
        srv.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      });
    },
  };
}

/** Reads a bearer or named token header. */
export function readToken(headers: IncomingMessage['headers'], headerName: string): string | undefined {
  const named = headers[headerName];
  if (typeof named === 'string' && named !== '') return named;
  const auth = headers.authorization;
  if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  return undefined;
}

/** Query flag as Go's getBoolQueryParam reads it: present with no value means true. */
export function queryFlag(query: URLSearchParams, name: string): boolean {
  if (!query.has(name)) return false;
  const value = query.get(name) ?? '';
  return value === '' || value === 'true' || value === '1';
}
