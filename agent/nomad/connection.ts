// Nomad's side of the HTTP helper: the token header, region and namespace on
// every call (overridable per call), blocking GETs with their meta, writes.
import { createHttpClient, type HttpMethod, type HttpStream } from '../http/request.js';
import type { Query } from '../http/query-string.js';
import type { TlsFiles } from '../http/tls.js';
import { parseQueryMeta, toBlockingParams, type BlockingOptions } from './blocking.js';
import type { QueryResult } from './types.js';

export interface NomadConnectionOptions {
  /** http(s)://host:port, without /v1. */
  readonly addr: string;
  /** Where `addr` came from, for error messages: "environment NOMAD_ADDR", "file /etc/hearth/hearth.yaml", "default". */
  readonly addrSource?: string;
  /** Sent as X-Nomad-Token; never logged. */
  readonly token?: string;
  readonly region?: string;
  readonly namespace?: string;
  readonly tls?: TlsFiles;
  /** Per-request timeout; blocking reads add their wait (+1/16) to it. */
  readonly timeoutMs?: number;
}

/** Per-call scope: overrides the client's region and namespace. */
export interface Scope {
  readonly region?: string;
  readonly namespace?: string;
}

export interface CallOptions extends Scope {
  readonly signal?: AbortSignal;
}

export interface ReadOptions extends CallOptions, BlockingOptions {}

/** One path segment of a Nomad API path (an ID or a name), escaped. */
export const pathSegment = (text: string): string => encodeURIComponent(text);

export interface NomadConnection {
  read<T>(path: string, options?: ReadOptions, query?: Query): Promise<QueryResult<T>>;
  write<T>(method: HttpMethod, path: string, body: unknown, options?: CallOptions, query?: Query): Promise<T>;
  /** A GET whose answer is plain bytes (client filesystem reads), returned as UTF-8 text. */
  text(path: string, options?: CallOptions, query?: Query): Promise<string>;
  stream(path: string, options: CallOptions, query: Query): Promise<HttpStream>;
  close(): Promise<void>;
}

export const NOMAD_DEFAULT_TIMEOUT_MS = 10_000;

export function createNomadConnection(options: NomadConnectionOptions): NomadConnection {
  const timeoutMs = options.timeoutMs ?? NOMAD_DEFAULT_TIMEOUT_MS;
  const http = createHttpClient({
    service: 'nomad',
    addr: options.addr,
    ...(options.addrSource === undefined ? {} : { addrSource: options.addrSource }),
    ...(options.token === undefined ? {} : { headers: { 'x-nomad-token': options.token } }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    timeoutMs,
  });

  function scopeQuery(scope: Scope): Query {
    return { region: scope.region ?? options.region, namespace: scope.namespace ?? options.namespace };
  }

  return {
    async read<T>(path: string, callOptions: ReadOptions = {}, query: Query = {}): Promise<QueryResult<T>> {
      const blocking = toBlockingParams(callOptions);
      const res = await http.json<T>({
        method: 'GET',
        path,
        query: { ...query, ...scopeQuery(callOptions), ...blocking.query },
        timeoutMs: timeoutMs + blocking.waitMs,
        ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
      });
      return { data: res.data, meta: parseQueryMeta(res.headers) };
    },
    async write<T>(method: HttpMethod, path: string, body: unknown, callOptions: CallOptions = {}, query: Query = {}): Promise<T> {
      const res = await http.json<T>({
        method,
        path,
        query: { ...query, ...scopeQuery(callOptions) },
        ...(body === undefined ? {} : { json: body }),
        ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
      });
      return res.data;
    },
    async text(path: string, callOptions: CallOptions = {}, query: Query = {}): Promise<string> {
      const res = await http.text({
        method: 'GET',
        path,
        query: { ...query, ...scopeQuery(callOptions) },
        ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
      });
      return res.data;
    },
    stream(path: string, callOptions: CallOptions, query: Query): Promise<HttpStream> {
      return http.stream({
        method: 'GET',
        path,
        query: { ...query, ...scopeQuery(callOptions) },
        ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
      });
    },
    close: () => http.close(),
  };
}
