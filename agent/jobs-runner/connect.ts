// Builds the runner's ports from the configuration: Nomad for jobs, Consul
// for service health. Failures to connect name the address and where it was set.
import type { Logger } from 'pino';
import { describeSource, type LoadedConfig } from '../config/load.js';
import { createHttpPorts } from './http-ports.js';
import type { HealthPort, JobsPort } from './ports.js';

export interface Cluster {
  readonly jobs: JobsPort;
  readonly health: HealthPort;
}

export function connectCluster(loaded: LoadedConfig, log: Logger): Cluster {
  const { nomad, consul } = loaded.config;
  return createHttpPorts({
    nomad: { addr: nomad.addr, source: describeSource(loaded, 'nomad.addr'), token: nomad.token, namespace: nomad.namespace, region: nomad.region },
    consul: { addr: consul.addr, source: describeSource(loaded, 'consul.addr'), token: consul.token },
    log: log.child({ module: 'jobs-runner' }),
  });
}
