// hearth's typed Nomad client: plain objects of functions over one connection.
import type { Logger } from '../log.js';
import type { TlsFiles } from '../http/tls.js';
import {
  createAgentApi,
  createAllocationsApi,
  createEvaluationsApi,
  createNodesApi,
  createStatusApi,
  type AgentApi,
  type AllocationsApi,
  type EvaluationsApi,
  type NodesApi,
  type StatusApi,
} from './cluster.js';
import { createNomadConnection } from './connection.js';
import { createEventsApi, type EventsApi } from './event-stream.js';
import { createJobsApi, type JobsApi } from './jobs.js';
import { createNamespacesApi, type NamespacesApi } from './namespaces.js';
import type { Evaluation } from './types.js';
import { waitForEvaluation, type WaitForEvaluationOptions } from './wait-for-evaluation.js';

export interface NomadClientOptions {
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
  readonly log: Logger;
}

export interface NomadClient {
  readonly jobs: JobsApi;
  readonly namespaces: NamespacesApi;
  readonly evaluations: EvaluationsApi;
  readonly allocations: AllocationsApi;
  readonly nodes: NodesApi;
  readonly status: StatusApi;
  readonly agent: AgentApi;
  readonly events: EventsApi;
  waitForEvaluation(evalId: string, options: WaitForEvaluationOptions): Promise<Evaluation>;
  /** Closes the connection pool; in-flight requests fail. */
  close(): Promise<void>;
}

export function createNomadClient(options: NomadClientOptions): NomadClient {
  const conn = createNomadConnection({
    addr: options.addr,
    ...(options.addrSource === undefined ? {} : { addrSource: options.addrSource }),
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const evaluations = createEvaluationsApi(conn);
  return {
    jobs: createJobsApi(conn),
    namespaces: createNamespacesApi(conn),
    evaluations,
    allocations: createAllocationsApi(conn),
    nodes: createNodesApi(conn),
    status: createStatusApi(conn),
    agent: createAgentApi(conn),
    events: createEventsApi(conn, options.log.child({ module: 'nomad-events' })),
    waitForEvaluation: (evalId, waitOptions) => waitForEvaluation(evaluations, evalId, waitOptions),
    close: () => conn.close(),
  };
}
