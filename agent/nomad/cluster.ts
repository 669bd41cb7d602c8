// Evaluations, allocations, nodes, server status and the local agent.
import { HearthError } from '../errors.js';
import { createAllocFsApi, type AllocFsApi } from './alloc-fs.js';
import type { CallOptions, NomadConnection, ReadOptions } from './connection.js';
import { pathSegment as id } from './connection.js';
import type { AgentSelf, Allocation, AllocationListStub, Evaluation, NodeDetail, NodeListStub, QueryResult } from './types.js';

export interface EvaluationsApi {
  list(options?: ReadOptions & { readonly job?: string; readonly status?: string }): Promise<QueryResult<Evaluation[]>>;
  read(id: string, options?: ReadOptions): Promise<QueryResult<Evaluation>>;
  allocations(evalId: string, options?: ReadOptions): Promise<QueryResult<AllocationListStub[]>>;
}

export interface AllocationsApi extends AllocFsApi {
  list(options?: ReadOptions & { readonly prefix?: string }): Promise<QueryResult<AllocationListStub[]>>;
  read(id: string, options?: ReadOptions): Promise<QueryResult<Allocation>>;
}

export interface NodesApi {
  list(options?: ReadOptions & { readonly resources?: boolean }): Promise<QueryResult<NodeListStub[]>>;
  read(id: string, options?: ReadOptions): Promise<QueryResult<NodeDetail>>;
}

export interface StatusApi {
  /** The leader's RPC address ("10.0.0.5:4647"); an empty string when there is none. */
  leader(options?: CallOptions): Promise<string>;
  peers(options?: CallOptions): Promise<string[]>;
}

export interface LocalNode {
  readonly name: string;
  readonly id: string;
}

export interface AgentApi {
  self(options?: CallOptions): Promise<AgentSelf>;
  /** The client node the local agent runs (name and ID); HEARTH_ERR_NOT_FOUND when the agent is a server only. */
  localNode(options?: CallOptions): Promise<LocalNode>;
}

export function createEvaluationsApi(conn: NomadConnection): EvaluationsApi {
  return {
    list: (options = {}) => conn.read('/v1/evaluations', options, { job: options.job, status: options.status }),
    read: (evalId, options = {}) => conn.read(`/v1/evaluation/${id(evalId)}`, options),
    allocations: (evalId, options = {}) => conn.read(`/v1/evaluation/${id(evalId)}/allocations`, options),
  };
}

export function createAllocationsApi(conn: NomadConnection): AllocationsApi {
  return {
    list: (options = {}) => conn.read('/v1/allocations', options, { prefix: options.prefix }),
    read: (allocId, options = {}) => conn.read(`/v1/allocation/${id(allocId)}`, options),
    ...createAllocFsApi(conn),
  };
}

export function createNodesApi(conn: NomadConnection): NodesApi {
  return {
    list: (options = {}) => conn.read('/v1/nodes', options, { resources: options.resources === true ? true : undefined }),
    read: (nodeId, options = {}) => conn.read(`/v1/node/${id(nodeId)}`, options),
  };
}

export function createStatusApi(conn: NomadConnection): StatusApi {
  return {
    leader: async (options = {}) => (await conn.read<string>('/v1/status/leader', options)).data,
    peers: async (options = {}) => (await conn.read<string[] | null>('/v1/status/peers', options)).data ?? [],
  };
}

export function createAgentApi(conn: NomadConnection): AgentApi {
  async function self(options: CallOptions = {}): Promise<AgentSelf> {
    return (await conn.read<AgentSelf>('/v1/agent/self', options)).data;
  }
  return {
    self,
    async localNode(options = {}) {
      const agent = await self(options);
      const nodeId = agent.stats?.client?.node_id;
      const name = agent.config?.NodeName || agent.member?.Name?.split('.')[0];
      if (nodeId === undefined || nodeId === '' || name === undefined || name === '') {
        throw new HearthError('HEARTH_ERR_NOT_FOUND', 'the local Nomad agent runs no client node (no node_id in /v1/agent/self)');
      }
      return { name, id: nodeId };
    },
  };
}
