// Consul's HTTP routes: agent, health, catalog, KV and status.
import { blockUntilChanged, parseBlocking } from '../blocking.js';
import { queryFlag, readToken, SimHttpError, type Reply, type Route, type SimRequest } from '../http.js';
import type { ConsulAgent } from './agent.js';
import { createKvHandlers } from './kv.js';
import type { CheckStatus, ConsulState } from './state.js';
import { catalogServiceEntries, checkView, checksFor, checksInState, healthEntries, nodeView, serviceView } from './views.js';

const LIMITS = { defaultMs: 300_000, maxMs: 600_000 };

export interface ConsulRouterOptions {
  readonly state: ConsulState;
  readonly agent: ConsulAgent;
  /** The node whose agent answers on a listener address. */
  readonly nodeForAddress: (address: string) => string;
  readonly leaderAddress: string;
}

function meta(index: number): Record<string, string> {
  return { 'X-Consul-Index': String(Math.max(1, index)), 'X-Consul-KnownLeader': 'true', 'X-Consul-LastContact': '0' };
}

export function createConsulRoutes(opts: ConsulRouterOptions): Route[] {
  const { state, agent } = opts;
  const kv = createKvHandlers(state, meta);
  const nodeOf = (req: SimRequest): string => opts.nodeForAddress(req.localAddress);
  const empty = (): Reply => ({ kind: 'text', body: '' });

  const blocking = async (req: SimRequest, keys: string[], readIndex: () => number): Promise<Record<string, string>> => {
    const params = parseBlocking(req.query, LIMITS);
    await blockUntilChanged({ hub: state.hub, keys, readIndex, params, signal: req.signal, returnOnLower: true });
    return meta(readIndex());
  };

  const ttl = (status: CheckStatus) => (req: SimRequest): Reply => {
    agent.updateTtl(nodeOf(req), req.params.id ?? '', status, req.query.get('note') ?? '');
    return empty();
  };

  const agentServiceView = (req: SimRequest, id: string): Record<string, unknown> => {
    const s = agent.agent(nodeOf(req)).services.get(id);
    if (s === undefined) throw new SimHttpError(404, `unknown service ID: ${id}`);
    const view = serviceView(s, false);
    return { ...view, ContentHash: String(s.ModifyIndex.toString(16)).padStart(16, '0') };
  };

  return [
    { methods: ['PUT'], pattern: '/v1/agent/service/register', handler: async (req) => {
      agent.registerService(nodeOf(req), await req.readJson(), queryFlag(req.query, 'replace-existing-checks'));
      return empty();
    } },
    { methods: ['PUT'], pattern: '/v1/agent/service/deregister/:id', handler: (req) => {
      agent.deregisterService(nodeOf(req), req.params.id ?? '');
      return empty();
    } },
    { methods: ['PUT'], pattern: '/v1/agent/service/maintenance/:id', handler: (req) => {
      const enable = req.query.get('enable');
      if (enable === null || enable === '') throw new SimHttpError(400, 'Missing value for enable');
      if (enable !== 'true' && enable !== 'false') throw new SimHttpError(400, `Invalid value for enable: "${enable}"`);
      agent.setMaintenance(nodeOf(req), req.params.id ?? '', enable === 'true', req.query.get('reason') ?? '');
      return empty();
    } },
    { methods: ['GET'], pattern: '/v1/agent/services', handler: (req) => {
      const out: Record<string, unknown> = {};
      for (const s of agent.agent(nodeOf(req)).services.values()) out[s.ID] = serviceView(s, false);
      return { kind: 'json', body: out };
    } },
    { methods: ['GET'], pattern: '/v1/agent/service/:id', handler: (req) => ({ kind: 'json', body: agentServiceView(req, req.params.id ?? '') }) },
    { methods: ['GET'], pattern: '/v1/agent/checks', handler: (req) => {
      const a = agent.agent(nodeOf(req));
      const out: Record<string, unknown> = {};
      for (const c of a.checks.values()) out[c.CheckID] = checkView(c, a.services.get(c.ServiceID)?.Tags ?? []);
      return { kind: 'json', body: out };
    } },
    { methods: ['PUT'], pattern: '/v1/agent/check/register', handler: async (req) => {
      agent.registerCheck(nodeOf(req), await req.readJson());
      return empty();
    } },
    { methods: ['PUT'], pattern: '/v1/agent/check/deregister/:id', handler: (req) => {
      agent.deregisterCheck(nodeOf(req), req.params.id ?? '');
      return empty();
    } },
    { methods: ['PUT'], pattern: '/v1/agent/check/pass/:id', handler: ttl('passing') },
    { methods: ['PUT'], pattern: '/v1/agent/check/warn/:id', handler: ttl('warning') },
    { methods: ['PUT'], pattern: '/v1/agent/check/fail/:id', handler: ttl('critical') },
    { methods: ['PUT'], pattern: '/v1/agent/check/update/:id', handler: async (req) => {
      const body = await req.readJson();
      const rec = (body ?? {}) as Record<string, unknown>;
      const status = rec.Status ?? rec.status;
      if (status !== 'passing' && status !== 'warning' && status !== 'critical') throw new SimHttpError(400, `Invalid check status: "${String(status)}"`);
      agent.updateTtl(nodeOf(req), req.params.id ?? '', status, typeof (rec.Output ?? rec.output) === 'string' ? String(rec.Output ?? rec.output) : '');
      return empty();
    } },
    { methods: ['GET'], pattern: '/v1/agent/self', handler: (req) => {
      const n = agent.agent(nodeOf(req)).node;
      return { kind: 'json', body: {
        Config: { Datacenter: n.Datacenter, PrimaryDatacenter: n.Datacenter, NodeName: n.Node, NodeID: n.ID, Revision: 'sim', Server: false, Version: '1.20.0', BuildDate: '2026-01-01T00:00:00Z' },
        // Nomad's Consul fingerprint reads these; the simulator serves no gRPC or DNS (-1 is Consul's "disabled").
        DebugConfig: { ConnectEnabled: false, GRPCPort: -1, GRPCTLSPort: -1, DNSPort: -1, DNSAddrs: [] },
        Coord: null,
        Member: { Name: n.Node, Addr: n.Address, Port: 8301, Tags: { dc: n.Datacenter, role: 'node', id: n.ID, segment: '', build: '1.20.0:sim' }, Status: 1, ProtocolMin: 1, ProtocolMax: 5, ProtocolCur: 2, DelegateMin: 2, DelegateMax: 5, DelegateCur: 4 },
        Stats: {}, Meta: { 'consul-network-segment': '' }, xDS: null,
      } };
    } },
    { methods: ['GET'], pattern: '/v1/agent/members', handler: () => ({ kind: 'json', body: [...state.agents.values()].map((a) => ({ Name: a.node.Node, Addr: a.node.Address, Port: 8301, Tags: { dc: a.node.Datacenter }, Status: 1 })) }) },
    { methods: ['GET'], pattern: '/v1/health/service/:name', handler: async (req) => {
      const name = req.params.name ?? '';
      const headers = await blocking(req, [`svc:${name}`], () => state.serviceIndex(name));
      return { kind: 'json', body: healthEntries(state, name, { passing: queryFlag(req.query, 'passing'), tags: req.query.getAll('tag') }), headers };
    } },
    { methods: ['GET'], pattern: '/v1/health/checks/:name', handler: async (req) => {
      const name = req.params.name ?? '';
      const headers = await blocking(req, [`svc:${name}`], () => state.serviceIndex(name));
      const out: unknown[] = [];
      for (const s of state.instancesOf(name)) {
        const a = state.agents.get(s.node);
        if (a !== undefined) for (const c of checksFor(a, s)) if (c.ServiceID === s.ID) out.push(checkView(c, s.Tags));
      }
      return { kind: 'json', body: out, headers };
    } },
    { methods: ['GET'], pattern: '/v1/health/state/:state', handler: async (req) => {
      const wanted = req.params.state ?? '';
      if (wanted === '') throw new SimHttpError(400, 'Missing check state');
      const headers = await blocking(req, ['checks'], () => state.checksIndex());
      return { kind: 'json', body: checksInState(state, wanted), headers };
    } },
    { methods: ['GET'], pattern: '/v1/catalog/services', handler: async (req) => {
      const headers = await blocking(req, ['catalog'], () => state.catalogIndex());
      const out: Record<string, string[]> = { consul: [] };
      for (const [name, tags] of state.serviceNames()) out[name] = [...tags];
      return { kind: 'json', body: out, headers };
    } },
    { methods: ['GET'], pattern: '/v1/catalog/service/:name', handler: async (req) => {
      const name = req.params.name ?? '';
      const headers = await blocking(req, [`svc:${name}`], () => state.serviceIndex(name));
      return { kind: 'json', body: catalogServiceEntries(state, name), headers };
    } },
    { methods: ['GET'], pattern: '/v1/catalog/nodes', handler: async (req) => {
      const headers = await blocking(req, ['nodes'], () => state.nodesIndex());
      return { kind: 'json', body: [...state.agents.values()].map((a) => nodeView(a.node)), headers };
    } },
    { methods: ['GET'], pattern: '/v1/catalog/datacenters', handler: () => ({ kind: 'json', body: [...new Set([...state.agents.values()].map((a) => a.node.Datacenter))] }) },
    { methods: ['GET'], pattern: '/v1/kv/*key', handler: kv.get },
    { methods: ['PUT'], pattern: '/v1/kv/*key', handler: kv.put },
    { methods: ['DELETE'], pattern: '/v1/kv/*key', handler: kv.delete },
    { methods: ['GET'], pattern: '/v1/status/leader', handler: () => ({ kind: 'json', body: opts.leaderAddress }) },
    { methods: ['GET'], pattern: '/v1/status/peers', handler: () => ({ kind: 'json', body: [opts.leaderAddress] }) },
  ];
}

/** ACL in the simulator: one management token; no token is "Permission denied", a wrong one "ACL not found". */
export function createConsulGuard(token: string | undefined) {
  return (req: SimRequest): void => {
    if (token === undefined || req.path.startsWith('/v1/status/')) return;
    const given = readToken(req.headers, 'x-consul-token') ?? req.query.get('token') ?? undefined;
    if (given === undefined || given === '') throw new SimHttpError(403, 'Permission denied: anonymous token lacks permission');
    if (given !== token) throw new SimHttpError(403, 'ACL not found');
  };
}
