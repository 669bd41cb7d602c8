// hearth's typed Nomad client: plain objects of functions over one connection.
import type { Logger } from '../log.js';
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
import { createNomadConnection, type NomadConnectionOptions } from './connection.js';
import { createEventsApi, type EventsApi } from './event-stream.js';
import { createJobsApi, type JobsApi } from './jobs.js';
import { createNamespacesApi, type NamespacesApi } from './namespaces.js';
import type { Evaluation } from './types.js';
import { waitForEvaluation, type WaitForEvaluationOptions } from './wait-for-evaluation.js';

/** The connection's options (agent/nomad/connection.ts) and the logger. */
export interface NomadClientOptions extends NomadConnectionOptions {
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
  const conn = createNomadConnection(options);
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
