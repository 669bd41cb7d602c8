// Consul's catalog as the simulator keeps it: nodes, services and checks
// registered through each node's agent, and per-query indexes so a blocking
// query wakes only for what it reads.
import { createWatchHub, type WatchHub } from '../blocking.js';

export type CheckStatus = 'passing' | 'warning' | 'critical';

export interface ConsulNode {
  readonly ID: string;
  readonly Node: string;
  readonly Address: string;
  readonly Datacenter: string;
  readonly Meta: Record<string, string>;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface ConsulService {
  readonly node: string;
  ID: string;
  Service: string;
  Tags: string[];
  Meta: Record<string, string>;
  Port: number;
  Address: string;
  Weights: { Passing: number; Warning: number };
  EnableTagOverride: boolean;
  TaggedAddresses: Record<string, unknown>;
  Kind: string;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface CheckDefinition {
  readonly HTTP?: string;
  readonly Method?: string;
  readonly Header?: Record<string, string[]>;
  readonly Body?: string;
  readonly TCP?: string;
  readonly TTLms?: number;
  readonly IntervalMs?: number;
  readonly TimeoutMs: number;
  readonly DeregisterCriticalServiceAfterMs?: number;
  readonly SuccessBeforePassing: number;
  readonly FailuresBeforeCritical: number;
  readonly Interval: string;
  readonly Timeout: string;
  readonly TTL: string;
  readonly DeregisterCriticalServiceAfter: string;
}

export interface ConsulCheck {
  readonly node: string;
  CheckID: string;
  Name: string;
  Status: CheckStatus;
  Notes: string;
  Output: string;
  ServiceID: string;
  ServiceName: string;
  Type: string;
  Definition: CheckDefinition;
  CreateIndex: number;
  ModifyIndex: number;
  /** Milliseconds since epoch when the check went critical (for reaping), or undefined. */
  criticalSince: number | undefined;
}

export interface KvEntry {
  Key: string;
  Value: Buffer | null;
  Flags: number;
  LockIndex: number;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface AgentState {
  readonly node: ConsulNode;
  readonly services: Map<string, ConsulService>;
  readonly checks: Map<string, ConsulCheck>;
  /** Checks by ServiceID ("" for the node's standalone checks), so reads never scan every check. */
  readonly checksByService: Map<string, Map<string, ConsulCheck>>;
}

export function attachCheck(a: AgentState, check: ConsulCheck): void {
  a.checks.set(check.CheckID, check);
  let m = a.checksByService.get(check.ServiceID);
  if (m === undefined) {
    m = new Map();
    a.checksByService.set(check.ServiceID, m);
  }
  m.set(check.CheckID, check);
}

export function detachCheck(a: AgentState, check: ConsulCheck): void {
  if (a.checks.get(check.CheckID) === check) a.checks.delete(check.CheckID);
  const m = a.checksByService.get(check.ServiceID);
  if (m?.get(check.CheckID) === check) m.delete(check.CheckID);
  if (m !== undefined && m.size === 0) a.checksByService.delete(check.ServiceID);
}

export interface ConsulStateOptions {
  readonly nodes: ReadonlyArray<{ id: string; name: string; address: string; datacenter: string; meta: Record<string, string> }>;
}

export interface ConsulState {
  readonly hub: WatchHub;
  readonly agents: ReadonlyMap<string, AgentState>;
  readonly kv: Map<string, KvEntry>;
  nextIndex(): number;
  currentIndex(): number;
  serviceIndex(name: string): number;
  catalogIndex(): number;
  /** The checks table's index: moves on any check added, removed or changed (node checks included). */
  checksIndex(): number;
  kvIndex(key: string): number;
  kvPrefixIndex(prefix: string): number;
  nodesIndex(): number;
  /** Marks a service name as changed (health, catalog/service): bumps its index and wakes its waiters. */
  touchService(name: string, index: number): void;
  touchCatalog(index: number): void;
  touchChecks(index: number): void;
  touchKv(key: string, index: number, deleted: boolean): void;
  instancesOf(name: string): ConsulService[];
  serviceNames(): Map<string, Set<string>>;
  /** Index tracking for a newly added or removed instance of a service name. */
  trackInstance(svc: ConsulService, present: boolean): void;
  lowerIndex(): void;
  wipe(): void;
}

export function createConsulState(options: ConsulStateOptions): ConsulState {
  const hub = createWatchHub();
  let index = 1;
  const serviceIdx = new Map<string, number>();
  const instances = new Map<string, Set<ConsulService>>();
  let catalogIdx = 1;
  let checksIdx = 1;
  let kvTableIdx = 1;
  const tombstones = new Map<string, number>();
  const kv = new Map<string, KvEntry>();
  const agents = new Map<string, AgentState>();
  for (const n of options.nodes) {
    index += 1;
    agents.set(n.name, {
      node: { ID: n.id, Node: n.name, Address: n.address, Datacenter: n.datacenter, Meta: { ...n.meta }, CreateIndex: index, ModifyIndex: index },
      services: new Map(),
      checks: new Map(),
      checksByService: new Map(),
    });
  }
  catalogIdx = index;
  // Every node's serfHealth check is written when the node joins.
  checksIdx = index;
  const nodesIdx = index;

  const state: ConsulState = {
    hub,
    agents,
    kv,
    nextIndex: () => (index += 1),
    currentIndex: () => index,
    serviceIndex: (name) => serviceIdx.get(name) ?? catalogIdx,
    catalogIndex: () => catalogIdx,
    checksIndex: () => checksIdx,
    kvIndex: (key) => kv.get(key)?.ModifyIndex ?? Math.max(1, tombstones.get(key) ?? kvTableIdx),
    kvPrefixIndex(prefix) {
      let max = 0;
      for (const e of kv.values()) if (e.Key.startsWith(prefix) && e.ModifyIndex > max) max = e.ModifyIndex;
      for (const [key, idx] of tombstones) if (key.startsWith(prefix) && idx > max) max = idx;
      return Math.max(1, max === 0 ? kvTableIdx : max);
    },
    nodesIndex: () => nodesIdx,
    touchService(name, idx) {
      serviceIdx.set(name, idx);
      hub.notify(`svc:${name}`);
    },
    touchCatalog(idx) {
      catalogIdx = idx;
      hub.notify('catalog');
    },
    touchChecks(idx) {
      checksIdx = idx;
      hub.notify('checks');
    },
    touchKv(key, idx, deleted) {
      kvTableIdx = idx;
      if (deleted) tombstones.set(key, idx);
      else tombstones.delete(key);
      hub.notify(`kv:${key}`);
      hub.notify('kv');
    },
    instancesOf: (name) => [...(instances.get(name) ?? [])],
    serviceNames() {
      const out = new Map<string, Set<string>>();
      for (const [name, set] of instances) {
        if (set.size === 0) continue;
        const tags = new Set<string>();
        for (const s of set) for (const t of s.Tags) tags.add(t);
        out.set(name, tags);
      }
      return out;
    },
    trackInstance(svc, present) {
      let set = instances.get(svc.Service);
      if (set === undefined) {
        set = new Set();
        instances.set(svc.Service, set);
      }
      if (present) set.add(svc);
      else set.delete(svc);
      if (set.size === 0) instances.delete(svc.Service);
    },
    lowerIndex() {
      index = 1;
      catalogIdx = 1;
      checksIdx = 1;
      kvTableIdx = 1;
      for (const name of serviceIdx.keys()) serviceIdx.set(name, 1);
      for (const key of tombstones.keys()) tombstones.set(key, 1);
      for (const e of kv.values()) {
        e.ModifyIndex = 1;
        e.CreateIndex = 1;
      }
      for (const a of agents.values()) {
        for (const s of a.services.values()) s.ModifyIndex = s.CreateIndex = 1;
        for (const c of a.checks.values()) c.ModifyIndex = c.CreateIndex = 1;
      }
      hub.notifyAll();
    },
    wipe() {
      for (const a of agents.values()) {
        a.services.clear();
        a.checks.clear();
        a.checksByService.clear();
      }
      instances.clear();
      kv.clear();
      tombstones.clear();
      state.lowerIndex();
    },
  };
  return state;
}
