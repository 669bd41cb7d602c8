// hearth's Consul client, every call over hearth's own HTTP helper
// (agent/http/request.ts, keep-alive node:http): blocking reads with their
// X-Consul-Index / X-Consul-ContentHash headers and an AbortSignal each,
// registration with ?replace-existing-checks, the agent, check and KV calls.
// One transport means one error mapping (agent/http/map-error.ts) and no
// second HTTP stack in the agent's memory.
import { isHearthError } from '../errors.js';
import { createHttpClient, readHeader, type ResponseHeaders } from '../http/request.js';
import type { TlsFiles } from '../http/tls.js';
import type { Endpoint } from '../http/map-error.js';
import type { Query } from '../http/query-string.js';
import type { Logger } from '../log.js';
import { invalidInput } from '../errors.js';
import { parseDuration } from '../util/duration.js';
import { buildServiceBody } from './service-body.js';
import type {
  AgentServiceInfo,
  BlockingReadOptions,
  CheckStateFilter,
  HealthCheckInfo,
  HealthServiceEntry,
  IndexedResult,
  KvEntry,
  ServiceDefinition,
} from './types.js';

export interface ConsulClientOptions {
  /** http(s)://host:port, without /v1. */
  readonly addr: string;
  /** Where `addr` came from, for error messages. */
  readonly addrSource?: string;
  /** Sent as X-Consul-Token; never logged. */
  readonly token?: string;
  readonly datacenter?: string;
  readonly tls?: TlsFiles;
  readonly timeoutMs?: number;
  readonly log: Logger;
}

export interface KvApi {
  /** The entry, or undefined when the key does not exist. */
  get(key: string): Promise<KvEntry | undefined>;
  /** Writes `value`; with `cas` only if the key's ModifyIndex equals it (0: only if absent). False when the CAS failed. */
  set(key: string, value: string, options?: { readonly cas?: number }): Promise<boolean>;
  delete(key: string, options?: { readonly cas?: number; readonly recurse?: boolean }): Promise<boolean>;
  /** Every entry under `prefix`. */
  list(prefix: string): Promise<KvEntry[]>;
}

export interface ConsulClient {
  readonly endpoint: Endpoint;
  registerService(service: ServiceDefinition, options?: { readonly replaceExistingChecks?: boolean }): Promise<void>;
  deregisterService(id: string): Promise<void>;
  agentServices(): Promise<Record<string, AgentServiceInfo>>;
  /** One service on the local agent; HEARTH_ERR_NOT_FOUND when absent. `hash` + `wait` make it a blocking read. */
  agentService(id: string, options?: BlockingReadOptions & { readonly hash?: string }): Promise<{ data: AgentServiceInfo; hash: string | undefined }>;
  passCheck(checkId: string, note?: string): Promise<void>;
  warnCheck(checkId: string, note?: string): Promise<void>;
  failCheck(checkId: string, note?: string): Promise<void>;
  healthService(name: string, options?: BlockingReadOptions & { readonly passing?: boolean }): Promise<IndexedResult<HealthServiceEntry[]>>;
  catalogServices(options?: BlockingReadOptions): Promise<IndexedResult<Record<string, string[]>>>;
  /** Every check of the datacenter in `state` (node checks included), from /v1/health/state/:state. */
  healthState(state: CheckStateFilter, options?: BlockingReadOptions): Promise<IndexedResult<HealthCheckInfo[]>>;
  readonly kv: KvApi;
  close(): Promise<void>;
}

export const CONSUL_DEFAULT_TIMEOUT_MS = 10_000;
/** Consul's default wait when a blocking read names none. */
const CONSUL_DEFAULT_WAIT_MS = 300_000;

interface RawKvItem {
  Key: string;
  Value: string | null;
  Flags: number;
  CreateIndex: number;
  ModifyIndex: number;
}

/** Consul sends KV values base64-encoded; entries carry them as UTF-8 text. */
function toKvEntry(item: RawKvItem): KvEntry {
  const value = item.Value === null ? null : Buffer.from(item.Value, 'base64').toString('utf8');
  return { key: item.Key, value, flags: item.Flags, createIndex: item.CreateIndex, modifyIndex: item.ModifyIndex };
}

/** A KV path: each segment of the key escaped, the slashes kept. */
function kvPath(key: string): string {
  return `/v1/kv/${key.split('/').map(encodeURIComponent).join('/')}`;
}

function waitToMs(wait: string | number | undefined): number | undefined {
  if (wait === undefined) return undefined;
  const ms = typeof wait === 'number' ? wait : parseDuration(wait);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
    throw invalidInput('wait', 'a Go duration such as "30s" or a number of milliseconds', wait, 'the caller');
  }
  return Math.round(ms);
}

function readIndex(headers: ResponseHeaders): number {
  const value = Number(readHeader(headers, 'x-consul-index'));
  return Number.isFinite(value) && value >= 0 ? value : 0;
}

export function createConsulClient(options: ConsulClientOptions): ConsulClient {
  const timeoutMs = options.timeoutMs ?? CONSUL_DEFAULT_TIMEOUT_MS;
  const addr = options.addr.replace(/\/+$/, '');
  const httpClient = createHttpClient({
    service: 'consul',
    addr,
    ...(options.addrSource === undefined ? {} : { addrSource: options.addrSource }),
    ...(options.token === undefined ? {} : { headers: { 'x-consul-token': options.token } }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    timeoutMs,
  });
  const endpoint = httpClient.endpoint;
  const dc = options.datacenter;

  const log = options.log.child({ module: 'consul-client' });

  /** A call whose answer is JSON; failures are logged at debug and thrown as the helper mapped them. */
  async function call<T>(method: 'GET' | 'PUT' | 'DELETE', path: string, query: Query = {}, rawBody?: string): Promise<T> {
    try {
      return (await httpClient.json<T>({ method, path, query, ...(rawBody === undefined ? {} : { rawBody }) })).data;
    } catch (err) {
      log.debug({ err, method, path }, 'consul call failed');
      throw err;
    }
  }

  /** A KV read: Consul answers 404 for a key that does not exist. */
  async function readKv(path: string, query: Query): Promise<RawKvItem[]> {
    try {
      return (await call<RawKvItem[] | null>('GET', path, { ...query, dc })) ?? [];
    } catch (err) {
      if (isHearthError(err, 'HEARTH_ERR_NOT_FOUND')) return [];
      throw err;
    }
  }

  async function blockingRead<T>(path: string, read: BlockingReadOptions, query: Record<string, string | number | boolean | undefined>) {
    const waitMs = waitToMs(read.wait);
    const blocking = (read.index !== undefined && read.index > 0) || query['hash'] !== undefined;
    const effectiveWait = blocking ? (waitMs ?? CONSUL_DEFAULT_WAIT_MS) : 0;
    return httpClient.json<T>({
      method: 'GET',
      path,
      query: {
        ...query,
        dc,
        index: read.index !== undefined && read.index > 0 ? read.index : undefined,
        wait: waitMs === undefined ? undefined : `${waitMs}ms`,
      },
      timeoutMs: timeoutMs + effectiveWait + Math.ceil(effectiveWait / 16),
      ...(read.signal === undefined ? {} : { signal: read.signal }),
    });
  }

  const checkPath = (verb: string, id: string): string => `/v1/agent/check/${verb}/${encodeURIComponent(id)}`;
  async function updateCheck(verb: 'pass' | 'warn' | 'fail', checkId: string, note: string | undefined): Promise<void> {
    await call('PUT', checkPath(verb, checkId), { note });
  }

  const kv: KvApi = {
    async get(key) {
      const [item] = await readKv(kvPath(key), {});
      return item === undefined ? undefined : toKvEntry(item);
    },
    set: async (key, value, setOptions = {}) => Boolean(await call('PUT', kvPath(key), { dc, cas: setOptions.cas }, value)),
    delete: async (key, delOptions = {}) =>
      Boolean(await call('DELETE', kvPath(key), { dc, cas: delOptions.cas, recurse: delOptions.recurse === true ? true : undefined })),
    list: async (prefix) => (await readKv(kvPath(prefix), { recurse: true })).map(toKvEntry),
  };

  return {
    endpoint,
    async registerService(service, registerOptions = {}) {
      const body = buildServiceBody(service);
      await httpClient.text({
        method: 'PUT',
        path: '/v1/agent/service/register',
        query: { 'replace-existing-checks': registerOptions.replaceExistingChecks === true ? true : undefined },
        json: body,
      });
    },
    async deregisterService(id) {
      await call('PUT', `/v1/agent/service/deregister/${encodeURIComponent(id)}`);
    },
    agentServices: async () => (await call<Record<string, AgentServiceInfo> | null>('GET', '/v1/agent/services')) ?? {},
    async agentService(id, read = {}) {
      const res = await blockingRead<AgentServiceInfo>(`/v1/agent/service/${encodeURIComponent(id)}`, { ...read, index: 0 }, { hash: read.hash });
      return { data: res.data, hash: readHeader(res.headers, 'x-consul-contenthash') ?? res.data.ContentHash };
    },
    passCheck: (checkId, note) => updateCheck('pass', checkId, note),
    warnCheck: (checkId, note) => updateCheck('warn', checkId, note),
    failCheck: (checkId, note) => updateCheck('fail', checkId, note),
    async healthService(name, read = {}) {
      const res = await blockingRead<HealthServiceEntry[] | null>(`/v1/health/service/${encodeURIComponent(name)}`, read, {
        passing: read.passing === true ? true : undefined,
      });
      return { data: res.data ?? [], index: readIndex(res.headers) };
    },
    async catalogServices(read = {}) {
      const res = await blockingRead<Record<string, string[]> | null>('/v1/catalog/services', read, {});
      return { data: res.data ?? {}, index: readIndex(res.headers) };
    },
    async healthState(state, read = {}) {
      const res = await blockingRead<HealthCheckInfo[] | null>(`/v1/health/state/${encodeURIComponent(state)}`, read, {});
      return { data: res.data ?? [], index: readIndex(res.headers) };
    },
    kv,
    close: () => httpClient.close(),
  };
}
