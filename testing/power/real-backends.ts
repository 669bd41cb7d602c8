// A real Nomad (testing/support/real-nomad.ts) behind the power ports, for the
// real tier and the benchmark: the typed clients against Nomad and the Consul
// it uses, this machine's node name and the loopback address Nomad's client
// gives its tasks.
import { createConsulClient, type ConsulClient } from '../../agent/consul/client.js';
import { createSilentLogger } from '../../agent/log.js';
import { createNomadClient, type NomadClient } from '../../agent/nomad/client.js';
import { adaptConsulClient } from '../../agent/power/consul-adapter.js';
import { adaptNomadClient } from '../../agent/power/nomad-adapter.js';
import type { RealNomad } from '../support/real-nomad.js';
import type { PowerBackends } from './harness.js';

export interface RealPowerBackends extends PowerBackends {
  readonly nomad: NomadClient;
  readonly consul: ConsulClient;
  close(): Promise<void>;
}

export function realPowerBackends(real: RealNomad): RealPowerBackends {
  const log = createSilentLogger();
  const nomad = createNomadClient({ addr: real.nomadAddr, log });
  const consul = createConsulClient({ addr: real.consulAddr, log });
  return {
    node: { name: real.nodeName, address: '127.0.0.1' },
    nomad,
    consul,
    nomadPort: adaptNomadClient(nomad),
    consulPort: adaptConsulClient(consul),
    close: () => nomad.close(),
  };
}

export interface DeploymentView {
  readonly ID: string;
  readonly Status: string;
  readonly JobVersion: number;
}

/** The job's latest deployment as Nomad reports it (GET /v1/job/:id/deployment), or undefined. */
export async function latestDeployment(real: RealNomad, jobId: string): Promise<DeploymentView | undefined> {
  const res = await fetch(`${real.nomadAddr}/v1/job/${encodeURIComponent(jobId)}/deployment`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) return undefined;
  const body = (await res.json()) as DeploymentView | null;
  return body ?? undefined;
}

export const ACTIVE_DEPLOYMENT = ['running', 'pending', 'paused', 'blocked', 'unblocking', 'initializing'];

/** Desired count and running allocations of the job's group as Nomad has them. */
export async function nomadCounts(backends: RealPowerBackends, jobId: string, group = 'app'): Promise<{ desired: number; running: number }> {
  const status = (await backends.nomad.jobs.scaleStatus(jobId)).data;
  const allocations = (await backends.nomad.jobs.allocations(jobId)).data;
  return {
    desired: status.TaskGroups[group]?.Desired ?? 0,
    running: allocations.filter((a) => a.TaskGroup === group && a.DesiredStatus === 'run' && a.ClientStatus === 'running').length,
  };
}
