// Read-side shapes of Consul: health entries, catalog lists and agent maps.
import { formatGoDuration } from './go-duration.js';
import type { AgentState, ConsulCheck, ConsulNode, ConsulService, ConsulState } from './state.js';

export function nodeView(n: ConsulNode): Record<string, unknown> {
  return {
    ID: n.ID,
    Node: n.Node,
    Address: n.Address,
    Datacenter: n.Datacenter,
    TaggedAddresses: { lan: n.Address, lan_ipv4: n.Address, wan: n.Address, wan_ipv4: n.Address },
    Meta: { 'consul-network-segment': '', ...n.Meta },
    CreateIndex: n.CreateIndex,
    ModifyIndex: n.ModifyIndex,
  };
}

export function serfCheck(n: ConsulNode): Record<string, unknown> {
  return {
    Node: n.Node, CheckID: 'serfHealth', Name: 'Serf Health Status', Status: 'passing', Notes: '',
    Output: 'Agent alive and reachable', ServiceID: '', ServiceName: '', ServiceTags: [], Type: '',
    Definition: {}, CreateIndex: n.CreateIndex, ModifyIndex: n.CreateIndex,
  };
}

export function checkView(c: ConsulCheck, tags: readonly string[]): Record<string, unknown> {
  const d = c.Definition;
  // Consul writes durations as Go does ("0s" when unset); Go clients refuse "" (time: invalid duration "").
  const interval = formatGoDuration(d.IntervalMs ?? 0);
  const timeout = formatGoDuration(d.Timeout === '' ? 0 : d.TimeoutMs);
  return {
    Node: c.node, CheckID: c.CheckID, Name: c.Name, Status: c.Status, Notes: c.Notes, Output: c.Output,
    ServiceID: c.ServiceID, ServiceName: c.ServiceName, ServiceTags: [...tags], Type: c.Type,
    Interval: d.IntervalMs === undefined ? '' : interval, Timeout: d.Timeout === '' ? '' : timeout, ExposedPort: 0,
    Definition: {
      Interval: interval, Timeout: timeout, DeregisterCriticalServiceAfter: formatGoDuration(d.DeregisterCriticalServiceAfterMs ?? 0),
      HTTP: d.HTTP ?? '', Header: d.Header ?? null, Method: d.Method ?? '', Body: d.Body ?? '', TCP: d.TCP ?? '', TTL: formatGoDuration(d.TTLms ?? 0),
    },
    CreateIndex: c.CreateIndex, ModifyIndex: c.ModifyIndex,
  };
}

export function serviceView(s: ConsulService, withNode: boolean): Record<string, unknown> {
  return {
    ID: s.ID, Service: s.Service, Tags: [...s.Tags], Address: s.Address, Meta: { ...s.Meta }, Port: s.Port,
    Weights: { ...s.Weights }, EnableTagOverride: s.EnableTagOverride, TaggedAddresses: s.TaggedAddresses,
    ...(withNode ? {} : { Datacenter: 'dc1' }),
    Kind: s.Kind === '' ? undefined : s.Kind,
    CreateIndex: s.CreateIndex, ModifyIndex: s.ModifyIndex,
  };
}

/** `/v1/health/service/:name` entries; `passing` keeps entries whose every check (serfHealth included) passes. */
export function healthEntries(state: ConsulState, name: string, opts: { passing: boolean; tags: readonly string[] }): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const s of state.instancesOf(name)) {
    if (opts.tags.some((t) => !s.Tags.includes(t))) continue;
    const agent = state.agents.get(s.node);
    if (agent === undefined) continue;
    const checks = checksFor(agent, s);
    if (opts.passing && checks.some((c) => c.Status !== 'passing')) continue;
    out.push({
      Node: nodeView(agent.node),
      Service: serviceView(s, true),
      Checks: [serfCheck(agent.node), ...checks.map((c) => checkView(c, s.Tags))],
    });
  }
  return out;
}

/** The checks of one service instance plus the node's own standalone checks. */
export function checksFor(agent: AgentState, s: ConsulService): ConsulCheck[] {
  return [...(agent.checksByService.get('')?.values() ?? []), ...(agent.checksByService.get(s.ID)?.values() ?? [])];
}

export function catalogServiceEntries(state: ConsulState, name: string): Array<Record<string, unknown>> {
  return state.instancesOf(name).map((s) => {
    const n = state.agents.get(s.node)?.node;
    return {
      ID: n?.ID ?? '', Node: s.node, Address: n?.Address ?? '', Datacenter: n?.Datacenter ?? 'dc1',
      TaggedAddresses: n === undefined ? {} : nodeView(n).TaggedAddresses, NodeMeta: n?.Meta ?? {},
      ServiceKind: s.Kind, ServiceID: s.ID, ServiceName: s.Service, ServiceTags: [...s.Tags], ServiceAddress: s.Address,
      ServiceWeights: { ...s.Weights }, ServiceMeta: { ...s.Meta }, ServicePort: s.Port, ServiceEnableTagOverride: s.EnableTagOverride,
      ServiceTaggedAddresses: s.TaggedAddresses, CreateIndex: s.CreateIndex, ModifyIndex: s.ModifyIndex,
    };
  });
}

/**
 * `/v1/health/state/:state`: every check of the datacenter ("any") or those in one
 * status, node checks (serfHealth) included, ordered by node then CheckID as
 * Consul's checks table is. A state Consul does not know matches no check.
 */
export function checksInState(state: ConsulState, wanted: string): Array<Record<string, unknown>> {
  const rows: Array<{ node: string; id: string; view: Record<string, unknown>; status: string }> = [];
  for (const agent of state.agents.values()) {
    const serf = serfCheck(agent.node);
    rows.push({ node: agent.node.Node, id: 'serfHealth', view: serf, status: 'passing' });
    for (const c of agent.checks.values()) {
      const tags = c.ServiceID === '' ? [] : (agent.services.get(c.ServiceID)?.Tags ?? []);
      rows.push({ node: c.node, id: c.CheckID, view: checkView(c, tags), status: c.Status });
    }
  }
  return rows
    .filter((r) => wanted === 'any' || r.status === wanted)
    .sort((a, b) => (a.node === b.node ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.node < b.node ? -1 : 1))
    .map((r) => r.view);
}
