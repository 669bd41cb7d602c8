// Finds the task groups this node's power manager is responsible for: every
// job whose meta asks for power management, judged by the policy, keeping the
// groups pinned to this node (a sleeping service can only be held and woken by
// the agent on the node it lives on).
//
// The job list is read on every refresh; a job itself only when its
// ModifyIndex moved since it was last read (or the list does not say), so a
// refresh of 200 unchanged jobs is one request, not 201.
import type { NomadPort } from './ports.js';
import { readPowerPolicy, type PolicyVerdict, type PowerUnit } from './policy.js';

export interface RefusedService {
  readonly service: string;
  readonly jobId: string;
  readonly group: string;
  readonly reason: string;
}

export interface Discovery {
  readonly units: PowerUnit[];
  readonly refused: RefusedService[];
}

export interface PowerDiscovery {
  discover(): Promise<Discovery>;
}

export function createPowerDiscovery(nomad: NomadPort, node: { name: string; id?: string | undefined }): PowerDiscovery {
  const known = new Map<string, { modifyIndex: number; verdicts: PolicyVerdict[] }>();
  const verdictsOf = async (stub: { ID: string; ModifyIndex?: number }): Promise<PolicyVerdict[]> => {
    const cached = known.get(stub.ID);
    if (cached !== undefined && stub.ModifyIndex !== undefined && cached.modifyIndex === stub.ModifyIndex) return cached.verdicts;
    const job = await nomad.jobs.read(stub.ID);
    const verdicts = job.Stop === true ? [] : readPowerPolicy(job);
    if (stub.ModifyIndex !== undefined) known.set(stub.ID, { modifyIndex: stub.ModifyIndex, verdicts });
    return verdicts;
  };
  return {
    async discover() {
      const stubs = await nomad.jobs.list();
      const units: PowerUnit[] = [];
      const refused: RefusedService[] = [];
      const present = new Set(stubs.map((stub) => stub.ID));
      for (const id of known.keys()) if (!present.has(id)) known.delete(id);
      for (const stub of stubs) {
        for (const verdict of await verdictsOf(stub)) {
          if (verdict.kind === 'refused') {
            refused.push({ service: verdict.service, jobId: verdict.jobId, group: verdict.group, reason: verdict.reason });
          } else if (verdict.unit.node === node.name || (node.id !== undefined && verdict.unit.node === node.id)) {
            units.push(verdict.unit);
          }
        }
      }
      return { units, refused };
    },
  };
}

/** One discovery without a cache. */
export function discoverPowerUnits(nomad: NomadPort, node: { name: string; id?: string | undefined }): Promise<Discovery> {
  return createPowerDiscovery(nomad, node).discover();
}
