// The Consul shapes hearth reads and writes. Inputs are camelCase and typed;
// the client turns them into Consul's PascalCase JSON. Durations are Go
// duration strings ("10s"), as Consul takes them.

export type CheckStatus = 'passing' | 'warning' | 'critical';

/** The states /v1/health/state/:state takes: one status, or "any" for every check. */
export type CheckStateFilter = CheckStatus | 'any';

interface CheckCommon {
  /** Defaults to service:<serviceID> (service:<serviceID>:<n> with several checks). */
  readonly id?: string;
  readonly name?: string;
  readonly notes?: string;
  /** Initial status; Consul's default is critical. */
  readonly status?: CheckStatus;
  readonly deregisterCriticalServiceAfter?: string;
}

export type CheckDefinition =
  | (CheckCommon & { readonly kind: 'http'; readonly http: string; readonly interval: string; readonly timeout?: string; readonly method?: string })
  | (CheckCommon & { readonly kind: 'tcp'; readonly tcp: string; readonly interval: string; readonly timeout?: string })
  | (CheckCommon & { readonly kind: 'ttl'; readonly ttl: string });

export interface ServiceDefinition {
  /** Unique on the agent; defaults to `name`. */
  readonly id?: string;
  readonly name: string;
  readonly address?: string;
  readonly port?: number;
  readonly tags?: readonly string[];
  readonly meta?: Readonly<Record<string, string>>;
  readonly checks?: readonly CheckDefinition[];
}

/** One service as the local agent reports it (GET /v1/agent/services and /v1/agent/service/:id). */
export interface AgentServiceInfo {
  ID: string;
  Service: string;
  Tags: string[] | null;
  Meta: Record<string, string> | null;
  Port: number;
  Address: string;
  Datacenter?: string;
  ContentHash?: string;
}

export interface HealthCheckInfo {
  Node: string;
  CheckID: string;
  Name: string;
  Status: CheckStatus;
  Output: string;
  ServiceID: string;
  ServiceName: string;
  Type?: string;
}

/** One entry of GET /v1/health/service/:name. */
export interface HealthServiceEntry {
  Node: { ID: string; Node: string; Address: string; Datacenter: string; Meta?: Record<string, string> | null };
  Service: { ID: string; Service: string; Tags: string[] | null; Address: string; Meta: Record<string, string> | null; Port: number };
  Checks: HealthCheckInfo[] | null;
}

export interface KvEntry {
  key: string;
  /** The decoded value (UTF-8), or null when the key holds no value. */
  value: string | null;
  flags: number;
  createIndex: number;
  modifyIndex: number;
}

/** A blocking read's answer: the data and X-Consul-Index. */
export interface IndexedResult<T> {
  data: T;
  index: number;
}

export interface BlockingReadOptions {
  readonly index?: number;
  /** Go duration ("30s") or milliseconds. */
  readonly wait?: string | number;
  readonly signal?: AbortSignal;
}
