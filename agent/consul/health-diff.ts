// Which watched service names an answer of /v1/health/state/any touched, and
// how. The answer lists every check of the datacenter; discovery needs only the
// checks' presence and status. A name whose checks only changed status can be
// updated from the answer itself (an instance's health is the worst of its own
// checks and its node's, as /v1/health/service reports it); a name whose checks
// appeared or vanished (an instance came or went) is re-read for its address,
// port and meta. A node check (ServiceID "") counts for every service on its node.
import type { CheckStatus, HealthCheckInfo } from './types.js';

export interface HealthSnapshot {
  /** Prefixed service name -> its checks' identities and statuses, in a stable order. */
  readonly services: ReadonlyMap<string, string>;
  /** Prefixed service name -> its checks' identities only. */
  readonly serviceShapes: ReadonlyMap<string, string>;
  /** Node -> its node checks' identities and statuses. */
  readonly nodes: ReadonlyMap<string, string>;
  /** Node -> its node checks' identities only. */
  readonly nodeShapes: ReadonlyMap<string, string>;
  /** Prefixed service name -> the nodes its checked instances run on. */
  readonly nodesOf: ReadonlyMap<string, ReadonlySet<string>>;
  /** The worst status of one instance's own checks, by instanceKey(node, serviceID). */
  readonly instanceStatus: ReadonlyMap<string, CheckStatus>;
  /** The worst status of a node's own checks. */
  readonly nodeStatus: ReadonlyMap<string, CheckStatus>;
}

export interface HealthChanges {
  /** Names whose checks changed in any way. */
  readonly names: ReadonlySet<string>;
  /** Of those, names whose checks appeared or vanished. */
  readonly reshapedNames: ReadonlySet<string>;
  readonly nodes: ReadonlySet<string>;
  readonly reshapedNodes: ReadonlySet<string>;
}

const SEVERITY: Readonly<Record<CheckStatus, number>> = { passing: 0, warning: 1, critical: 2 };

/** A status Consul does not name counts as critical, as toDiscoveredService does. */
export function normalizeStatus(status: string): CheckStatus {
  return status === 'passing' || status === 'warning' ? status : 'critical';
}

export function worseStatus(a: CheckStatus, b: CheckStatus): CheckStatus {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

/** An instance's health is its worst check: any critical (or unknown) makes it critical, then any warning. */
export function worstStatus(statuses: Iterable<string>): CheckStatus {
  let worst: CheckStatus = 'passing';
  for (const status of statuses) worst = worseStatus(worst, normalizeStatus(status));
  return worst;
}

export function instanceKey(node: string, serviceId: string): string {
  return `${node}\u0000${serviceId}`;
}

/** An instance's health as /v1/health/service computes it, from the snapshot. */
export function instanceHealth(snapshot: HealthSnapshot, node: string, serviceId: string): CheckStatus {
  return worseStatus(snapshot.instanceStatus.get(instanceKey(node, serviceId)) ?? 'passing', snapshot.nodeStatus.get(node) ?? 'passing');
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function seal(map: Map<string, string[]>): Map<string, string> {
  return new Map([...map].map(([key, list]) => [key, list.sort().join('\n')]));
}

function worsen(map: Map<string, CheckStatus>, key: string, status: CheckStatus): void {
  map.set(key, worseStatus(map.get(key) ?? 'passing', status));
}

export function snapshotChecks(checks: readonly HealthCheckInfo[], prefix: string): HealthSnapshot {
  const services = new Map<string, string[]>();
  const serviceShapes = new Map<string, string[]>();
  const nodes = new Map<string, string[]>();
  const nodeShapes = new Map<string, string[]>();
  const nodesOf = new Map<string, Set<string>>();
  const instanceStatus = new Map<string, CheckStatus>();
  const nodeStatus = new Map<string, CheckStatus>();
  for (const check of checks) {
    const status = normalizeStatus(check.Status);
    const identity = `${check.Node}\u0000${check.ServiceID}\u0000${check.CheckID}`;
    if (check.ServiceID === '') {
      push(nodes, check.Node, `${identity}\u0000${status}`);
      push(nodeShapes, check.Node, identity);
      worsen(nodeStatus, check.Node, status);
      continue;
    }
    if (!check.ServiceName.startsWith(prefix)) continue;
    push(services, check.ServiceName, `${identity}\u0000${status}`);
    push(serviceShapes, check.ServiceName, identity);
    worsen(instanceStatus, instanceKey(check.Node, check.ServiceID), status);
    let on = nodesOf.get(check.ServiceName);
    if (on === undefined) nodesOf.set(check.ServiceName, (on = new Set()));
    on.add(check.Node);
  }
  return {
    services: seal(services),
    serviceShapes: seal(serviceShapes),
    nodes: seal(nodes),
    nodeShapes: seal(nodeShapes),
    nodesOf,
    instanceStatus,
    nodeStatus,
  };
}

function changedKeys(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [key, value] of after) if (before.get(key) !== value) out.add(key);
  for (const key of before.keys()) if (!after.has(key)) out.add(key);
  return out;
}

const EMPTY = snapshotChecks([], '');

/** What changed from `before` (undefined: nothing seen yet, so everything is new) to `after`. */
export function diffHealth(before: HealthSnapshot | undefined, after: HealthSnapshot): HealthChanges {
  const previous = before ?? EMPTY;
  return {
    names: changedKeys(previous.services, after.services),
    reshapedNames: changedKeys(previous.serviceShapes, after.serviceShapes),
    nodes: changedKeys(previous.nodes, after.nodes),
    reshapedNodes: changedKeys(previous.nodeShapes, after.nodeShapes),
  };
}
