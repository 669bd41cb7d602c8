// hearth's Consul client. Simple calls (deregister, agent services, TTL checks,
// KV) go through the `consul` npm package. Three kinds of call use hearth's own
// HTTP helper instead: blocking reads, because they need the X-Consul-Index /
// X-Consul-ContentHash response headers and an AbortSignal per request, which
// the package's promise API does not expose (its `watch` hides both); and
// service registration, because the package's check typing demands a name and
// timeout on every check and cannot pass ?replace-existing-checks.
// The package is loaded on its first call: the agent at rest (blocking reads,
// registration) never makes one until it deregisters, and need not hold it.
import http from 'node:http';
import https from 'node:https';
import type Consul from 'consul';
import type { Logger } from '../log.js';
import { createHttpClient, readHeader, type ResponseHeaders } from '../http/request.js';
import { readTlsMaterial, type TlsFiles } from '../http/tls.js';
import type { Endpoint } from '../http/map-error.js';
import { invalidInput } from '../errors.js';
import { parseDuration } from '../util/duration.js';
import { mapPackageError } from './package-errors.js';
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

function toKvEntry(item: RawKvItem): KvEntry {
  return { key: item.Key, value: item.Value ?? null, flags: item.Flags, createIndex: item.CreateIndex, modifyIndex: item.ModifyIndex };
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
  const tls = options.tls === undefined ? undefined : readTlsMaterial(options.tls, endpoint.addrSource);
  let pkgLoading: Promise<Consul> | undefined;
  let pkg: Consul | undefined;
  let closed = false;
  const loadPackage = (): Promise<Consul> =>
    (pkgLoading ??= import('consul').then(({ default: ConsulPackage }) => {
      pkg = new ConsulPackage({
        baseUrl: `${addr}/v1`,
        timeout: timeoutMs,
        defaults: {
          ...(options.token === undefined ? {} : { token: options.token }),
          ...(options.datacenter === undefined ? {} : { dc: options.datacenter }),
        },
        // No keep-alive: a socket kept from before a Consul restart would fail the first call after it.
        agent: tls === undefined ? new http.Agent({ keepAlive: false }) : new https.Agent({ keepAlive: false, ...tls }),
      } as ConstructorParameters<typeof Consul>[0]);
      if (closed) pkg.destroy();
      return pkg;
    }));
  const dc = options.datacenter;

  const log = options.log.child({ module: 'consul-client' });

  async function viaPackage<T>(method: string, path: string, call: (pkg: Consul) => Promise<T>): Promise<T> {
    try {
      return await call(await loadPackage());
    } catch (err) {
      // The package's own error holds the raw response (and its request headers): only the mapped one leaves.
      const mapped = mapPackageError(endpoint, err, method, path);
      log.debug({ err: mapped, method, path }, 'consul call failed');
      throw mapped;
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
  function updateCheck(verb: 'pass' | 'warn' | 'fail', checkId: string, note: string | undefined): Promise<void> {
    return viaPackage('PUT', checkPath(verb, checkId), async (pkg) => {
      await pkg.agent.check[verb]({ id: checkId, ...(note === undefined ? {} : { note }) });
    });
  }

  const kv: KvApi = {
    get: (key) =>
      viaPackage('GET', `/v1/kv/${key}`, async (pkg) => {
        const item = (await pkg.kv.get({ key })) as RawKvItem | null | undefined;
        return item === undefined || item === null ? undefined : toKvEntry(item);
      }),
    set: (key, value, setOptions = {}) =>
      viaPackage('PUT', `/v1/kv/${key}`, async (pkg) =>
        Boolean(await pkg.kv.set({ key, value, ...(setOptions.cas === undefined ? {} : { cas: setOptions.cas }) })),
      ),
    delete: (key, delOptions = {}) =>
      viaPackage('DELETE', `/v1/kv/${key}`, async (pkg) =>
        Boolean(
          await pkg.kv.del({
            key,
            ...(delOptions.cas === undefined ? {} : { cas: delOptions.cas }),
            ...(delOptions.recurse === true ? { recurse: true } : {}),
          }),
        ),
      ),
    list: (prefix) =>
      viaPackage('GET', `/v1/kv/${prefix}?recurse`, async (pkg) => {
        const items = (await pkg.kv.get({ key: prefix, recurse: true })) as RawKvItem[] | RawKvItem | null | undefined;
        if (items === undefined || items === null) return [];
        return (Array.isArray(items) ? items : [items]).map(toKvEntry);
      }),
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
    deregisterService: (id) =>
      viaPackage('PUT', `/v1/agent/service/deregister/${encodeURIComponent(id)}`, async (pkg) => {
        await pkg.agent.service.deregister({ id });
      }),
    agentServices: () =>
      viaPackage('GET', '/v1/agent/services', async (pkg) => (await pkg.agent.service.list()) as Record<string, AgentServiceInfo>),
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
    async close() {
      closed = true;
      pkg?.destroy();
      await httpClient.close();
    },
  };
}
