// The compact rows Mission Control shows for Nomad nodes and jobs and for the
// hearth agents registered in Consul: only what the Cluster view renders.
import type { HealthServiceEntry } from '../consul/types.js';
import type { JobListStub, NodeListStub } from '../nomad/types.js';
import { compareNames } from '../util/compare-names.js';

export interface NodeRow {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly status: string;
  readonly eligibility: string;
  readonly drain: boolean;
  readonly datacenter: string;
}

export interface JobRow {
  readonly id: string;
  readonly type: string;
  readonly status: string;
  readonly stop: boolean;
  readonly groups: readonly { readonly name: string; readonly running: number; readonly queued: number; readonly starting: number; readonly failed: number }[];
}

export interface AgentRow {
  readonly id: string;
  readonly node: string;
  readonly address: string;
  readonly port: number;
  readonly version: string;
  readonly health: 'passing' | 'warning' | 'critical';
}

export function toNodeRow(node: NodeListStub): NodeRow {
  return {
    id: node.ID,
    name: node.Name,
    address: node.Address,
    status: node.Status,
    eligibility: node.SchedulingEligibility,
    drain: node.Drain,
    datacenter: node.Datacenter,
  };
}

export function toJobRow(job: JobListStub): JobRow {
  const summary = job.JobSummary?.Summary ?? {};
  return {
    id: job.ID,
    type: job.Type,
    status: job.Status,
    stop: job.Stop,
    groups: Object.entries(summary)
      .map(([name, s]) => ({ name, running: s.Running, queued: s.Queued, starting: s.Starting, failed: s.Failed }))
      .sort((a, b) => compareNames(a.name, b.name)),
  };
}

export function toAgentRow(entry: HealthServiceEntry): AgentRow {
  const states = (entry.Checks ?? []).map((c) => c.Status);
  const health = states.includes('critical') ? 'critical' : states.includes('warning') ? 'warning' : 'passing';
  return {
    id: entry.Service.ID,
    node: entry.Service.Meta?.['node'] ?? entry.Node.Node,
    address: entry.Service.Address === '' ? entry.Node.Address : entry.Service.Address,
    port: entry.Service.Port,
    version: entry.Service.Meta?.['hearth_version'] ?? '',
    health,
  };
}
