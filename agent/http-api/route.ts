// The contract between the agent's HTTP server and the modules that add
// endpoints to it (status, power, join, ...). The composition root collects
// every module's routes and hands them to the server; handlers never see the
// server, and the server never knows what a module does.
import type { IncomingMessage } from 'node:http';

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
}

export interface RouteResponse {
  readonly status: number;
  /** Serialised as JSON unless `text` is given. */
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
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
