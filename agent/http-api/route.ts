// The contract between the agent's HTTP server and the modules that add
// endpoints to it (status, power, join, ...). The composition root collects
// every module's routes and hands them to the server; handlers never see the
// server, and the server never knows what a module does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface RouteRequest {
  readonly method: HttpMethod;
  /** Path parameters from the route pattern: `/api/v1/power/:service` -> { service }. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The parsed JSON body (undefined when there is none); a malformed body is refused before the handler runs. */
  readonly body: unknown;
  readonly remoteAddress: string;
  readonly raw: IncomingMessage;
  /** Aborted when the client goes away before the answer is complete (streams end on it). */
  readonly signal: AbortSignal;
  /** Who made the request: 'token' (bearer), 'session' (a signed-in page), or 'anonymous'. */
  readonly principal: Principal;
}

export type Principal =
  | { readonly kind: 'token' }
  | { readonly kind: 'session'; readonly sessionId: string }
  | { readonly kind: 'anonymous' };

export interface RouteResponse {
  readonly status: number;
  /** Serialised as JSON unless `text`, `bytes` or `stream` is given. */
  readonly json?: unknown;
  readonly text?: string;
  /** A binary body (static assets). */
  readonly bytes?: Buffer;
  /**
   * A body written chunk by chunk as it is produced (server-sent events, NDJSON): sent with chunked
   * encoding and no content-length; the request's signal aborts when the client goes away.
   */
  readonly stream?: AsyncIterable<string | Buffer>;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The handler answers on the raw response itself (a protocol SDK's transport, such as MCP's Streamable
   * HTTP): the server has matched the route, checked auth and read the JSON body (`req.body`), and then
   * writes nothing; `status` and the other fields are ignored.
   */
  readonly takeover?: (res: ServerResponse) => Promise<void>;
}

export interface Route {
  readonly method: HttpMethod;
  /** Literal segments and `:name` parameters: `/api/v1/power/:service/wake`. */
  readonly path: string;
  /**
   * 'token': the request must carry `Authorization: Bearer <api.token>`; without a configured token
   * the endpoint is refused (403). Every route that changes anything is 'token'.
   * 'none': readable by anyone who can reach the listener.
   */
  readonly auth: 'none' | 'token';
  readonly handler: (req: RouteRequest) => Promise<RouteResponse> | RouteResponse;
}

/**
 * An HTTP upgrade (WebSocket) endpoint. The server matches the path and checks auth exactly as for a
 * Route, then hands over the socket; a refused upgrade is answered with a plain HTTP error.
 */
export interface UpgradeRoute {
  readonly path: string;
  readonly auth: 'none' | 'token';
  readonly handle: (req: IncomingMessage, socket: Duplex, head: Buffer, principal: Principal) => void;
}

/**
 * Decides who a request comes from beyond the bearer token (a session cookie, for one). The server asks
 * it only when the request carries no Authorization header. Requests that change state and come with a
 * session must also pass the authenticator's CSRF check, which is its job.
 */
export type RequestAuthenticator = (req: IncomingMessage) => Principal;
