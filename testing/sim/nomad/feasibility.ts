// Where can one allocation of a task group go? Checks every node the way
// Nomad's feasibility and bin-packing stages do, and records why nodes were
// rejected in an AllocMetric with Nomad's wording.
import type { Job, TaskGroup } from '../../../agent/nomad/types.js';
import { checkConstraint, describeConstraint, matchesDatacenter } from './constraints.js';
import { type AllocatedPort, type AllocMetric, type SimAlloc, type SimNode, isTerminalClient } from './model.js';

export interface NodeUsage {
  cpu: number;
  memoryMb: number;
  gpus: number;
  ports: Set<number>;
  /** job key + group of every live alloc, for distinct_hosts. */
  groups: Set<string>;
  jobs: Set<string>;
  count: number;
}

/** Whether an alloc still holds its node's resources (a stopping process still holds its ports). */
export function holdsResources(a: SimAlloc): boolean {
  return a.DesiredStatus === 'run' ? !isTerminalClient(a.ClientStatus) : a.ClientStatus === 'running';
}

export function computeUsage(nodes: readonly SimNode[], allocs: Iterable<SimAlloc>): Map<string, NodeUsage> {
  const usage = new Map<string, NodeUsage>();
  for (const n of nodes) usage.set(n.ID, { cpu: 0, memoryMb: 0, gpus: 0, ports: new Set(), groups: new Set(), jobs: new Set(), count: 0 });
  for (const a of allocs) {
    if (!holdsResources(a)) continue;
    const u = usage.get(a.NodeID);
    if (u === undefined) continue;
    addUsage(u, a);
  }
  return usage;
}

export function addUsage(u: NodeUsage, a: SimAlloc): void {
  u.cpu += a.usage.cpu;
  u.memoryMb += a.usage.memoryMb;
  u.gpus += a.usage.gpus;
  for (const p of a.ports) u.ports.add(p.Value);
  u.groups.add(`${a.Namespace}/${a.JobID}/${a.TaskGroup}`);
  u.jobs.add(`${a.Namespace}/${a.JobID}`);
  u.count += 1;
}

export function groupDemand(tg: TaskGroup): { cpu: number; memoryMb: number; gpus: number; drivers: string[] } {
  let cpu = 0;
  let memoryMb = 0;
  let gpus = 0;
  const drivers: string[] = [];
  for (const t of tg.Tasks) {
    cpu += t.Resources?.CPU ?? 100;
    memoryMb += t.Resources?.MemoryMB ?? 300;
    for (const d of t.Resources?.Devices ?? []) if (/gpu/.test(d.Name)) gpus += d.Count ?? 1;
    if (!drivers.includes(t.Driver)) drivers.push(t.Driver);
  }
  return { cpu, memoryMb, gpus, drivers };
}

export function emptyMetric(nodes: readonly SimNode[]): AllocMetric {
  const available: Record<string, number> = {};
  for (const n of nodes) available[n.Datacenter] = (available[n.Datacenter] ?? 0) + 1;
  return {
    NodesEvaluated: 0, NodesFiltered: 0, NodesInPool: nodes.length, NodesAvailable: available, ClassFiltered: null,
    ConstraintFiltered: null, NodesExhausted: 0, ClassExhausted: null, DimensionExhausted: null, QuotaExhausted: null,
    ResourcesExhausted: null, Scores: null, ScoreMetaData: null, AllocationTime: 0, CoalescedFailures: 0,
  };
}

function bump(map: Record<string, number> | null, key: string): Record<string, number> {
  const m = map ?? {};
  m[key] = (m[key] ?? 0) + 1;
  return m;
}

export interface Placement {
  readonly node: SimNode;
  readonly ports: AllocatedPort[];
}

/** Picks the least-loaded feasible node, or returns the metric explaining why none fit. */
export function selectNode(job: Job, tg: TaskGroup, nodes: readonly SimNode[], usage: Map<string, NodeUsage>, metric: AllocMetric): Placement | undefined {
  const demand = groupDemand(tg);
  const key = `${job.Namespace ?? 'default'}/${job.ID}`;
  const constraints = [...(job.Constraints ?? []), ...(tg.Constraints ?? []), ...tg.Tasks.flatMap((t) => t.Constraints ?? [])];
  const distinctJob = (job.Constraints ?? []).some((c) => c.Operand === 'distinct_hosts');
  const distinctGroup = (tg.Constraints ?? []).some((c) => c.Operand === 'distinct_hosts');
  let best: { node: SimNode; ports: AllocatedPort[]; load: number } | undefined;
  for (const node of nodes) {
    if (!matchesDatacenter(job.Datacenters ?? ['*'], node.Datacenter)) continue;
    metric.NodesEvaluated += 1;
    const filter = (reason: string): void => {
      metric.NodesFiltered += 1;
      metric.ConstraintFiltered = bump(metric.ConstraintFiltered, reason);
      metric.ClassFiltered = bump(metric.ClassFiltered, node.NodeClass === '' ? 'default' : node.NodeClass);
    };
    if (demand.drivers.some((d) => !node.drivers.includes(d))) {
      filter('missing drivers');
      continue;
    }
    const failed = constraints.find((c) => !checkConstraint(c, node));
    if (failed !== undefined) {
      filter(describeConstraint(failed));
      continue;
    }
    if (demand.gpus > 0 && node.gpus === 0) {
      filter('missing devices');
      continue;
    }
    const u = usage.get(node.ID);
    if (u === undefined) continue;
    if ((distinctJob && u.jobs.has(key)) || (distinctGroup && u.groups.has(`${key}/${tg.Name}`))) {
      filter('distinct_hosts');
      continue;
    }
    const exhaust = (dimension: string): void => {
      metric.NodesExhausted += 1;
      metric.DimensionExhausted = bump(metric.DimensionExhausted, dimension);
      metric.ClassExhausted = bump(metric.ClassExhausted, node.NodeClass === '' ? 'default' : node.NodeClass);
    };
    if (u.cpu + demand.cpu > node.cpuMhz) {
      exhaust('cpu');
      continue;
    }
    if (u.memoryMb + demand.memoryMb > node.memoryMb) {
      exhaust('memory');
      continue;
    }
    if (u.gpus + demand.gpus > node.gpus) {
      exhaust('devices: no devices match request');
      continue;
    }
    const ports = assignPorts(tg, node, u.ports);
    if (typeof ports === 'string') {
      exhaust(ports);
      continue;
    }
    const load = (u.cpu + demand.cpu) / node.cpuMhz + (u.memoryMb + demand.memoryMb) / node.memoryMb;
    if (best === undefined || load < best.load) best = { node, ports, load };
  }
  return best === undefined ? undefined : { node: best.node, ports: best.ports };
}

/** Static ports must be free on the node's address; dynamic ones come from the node's range. */
function assignPorts(tg: TaskGroup, node: SimNode, used: ReadonlySet<number>): AllocatedPort[] | string {
  const out: AllocatedPort[] = [];
  const taken = new Set(used);
  for (const net of tg.Networks ?? []) {
    for (const p of net.ReservedPorts ?? []) {
      const value = p.Value ?? 0;
      if (taken.has(value)) return `network: reserved port collision ${p.Label}=${value}`;
      taken.add(value);
      out.push({ Label: p.Label, Value: value, To: p.To ?? 0, HostIP: node.Address });
    }
  }
  for (const net of tg.Networks ?? []) {
    for (const p of net.DynamicPorts ?? []) {
      const [lo, hi] = node.portRange;
      let value = 0;
      for (let attempt = 0; attempt < 64; attempt += 1) {
        const candidate = lo + Math.floor(Math.random() * (hi - lo + 1));
        if (!taken.has(candidate)) {
          value = candidate;
          break;
        }
      }
      if (value === 0) return 'network: dynamic port selection failed';
      taken.add(value);
      out.push({ Label: p.Label, Value: value, To: p.To === -1 ? value : (p.To ?? 0), HostIP: node.Address });
    }
  }
  return out;
}
