// Finds the task groups this node's power manager is responsible for: every
// job whose meta asks for power management, judged by the policy, keeping the
// groups pinned to this node (a sleeping service can only be held and woken by
// the agent on the node it lives on).
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

export async function discoverPowerUnits(nomad: NomadPort, node: { name: string; id?: string | undefined }): Promise<Discovery> {
  const stubs = await nomad.jobs.list();
  const units: PowerUnit[] = [];
  const refused: RefusedService[] = [];
  for (const stub of stubs) {
    const job = await nomad.jobs.read(stub.ID);
    if (job.Stop === true) continue;
    for (const verdict of readPowerPolicy(job) as PolicyVerdict[]) {
      if (verdict.kind === 'refused') {
        refused.push({ service: verdict.service, jobId: verdict.jobId, group: verdict.group, reason: verdict.reason });
      } else if (verdict.unit.node === node.name || (node.id !== undefined && verdict.unit.node === node.id)) {
        units.push(verdict.unit);
      }
    }
  }
  return { units, refused };
}
