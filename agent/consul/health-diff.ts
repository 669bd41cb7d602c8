// Which watched service names an answer of /v1/health/state/any touched. The
// answer lists every check of the datacenter; only the checks' presence and
// status matter to discovery (a service's address, port and meta come from a
// re-read of /v1/health/service/:name). A node check (ServiceID "") counts
// against every service on its node, as /v1/health/service does.
import type { HealthCheckInfo } from './types.js';

export interface HealthSnapshot {
  /** Prefixed service name -> its checks' identities and statuses, in a stable order. */
  readonly services: ReadonlyMap<string, string>;
  /** Node -> its node checks' identities and statuses. */
  readonly nodes: ReadonlyMap<string, string>;
  /** Prefixed service name -> the nodes its checked instances run on. */
  readonly nodesOf: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface HealthChanges {
  readonly names: ReadonlySet<string>;
  readonly nodes: ReadonlySet<string>;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function seal(map: Map<string, string[]>): Map<string, string> {
  return new Map([...map].map(([key, list]) => [key, list.sort().join('\n')]));
}

export function snapshotChecks(checks: readonly HealthCheckInfo[], prefix: string): HealthSnapshot {
  const services = new Map<string, string[]>();
  const nodes = new Map<string, string[]>();
  const nodesOf = new Map<string, Set<string>>();
  for (const check of checks) {
    const line = `${check.Node}\u0000${check.ServiceID}\u0000${check.CheckID}\u0000${check.Status}`;
    if (check.ServiceID === '') {
      push(nodes, check.Node, line);
      continue;
    }
    if (!check.ServiceName.startsWith(prefix)) continue;
    push(services, check.ServiceName, line);
    let on = nodesOf.get(check.ServiceName);
    if (on === undefined) nodesOf.set(check.ServiceName, (on = new Set()));
    on.add(check.Node);
  }
  return { services: seal(services), nodes: seal(nodes), nodesOf };
}

function changedKeys(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [key, value] of after) if (before.get(key) !== value) out.add(key);
  for (const key of before.keys()) if (!after.has(key)) out.add(key);
  return out;
}

const EMPTY: HealthSnapshot = { services: new Map(), nodes: new Map(), nodesOf: new Map() };

/** Names whose own checks appeared, vanished or changed status, and nodes whose node checks did. */
export function diffHealth(before: HealthSnapshot | undefined, after: HealthSnapshot): HealthChanges {
  const previous = before ?? EMPTY;
  return { names: changedKeys(previous.services, after.services), nodes: changedKeys(previous.nodes, after.nodes) };
}
