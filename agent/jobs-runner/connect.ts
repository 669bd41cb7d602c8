// Builds the runner's ports from the configuration: Nomad (hearth's typed
// client) for jobs, Consul for service health. Failures to connect name the
// address and where it was set.
import type { Logger } from 'pino';
import { describeSource, type LoadedConfig } from '../config/load.js';
import { createConsulClient } from '../consul/client.js';
import { createNomadClient } from '../nomad/client.js';
import { createConsulHealthPort } from './consul-health.js';
import { createNomadJobsPort } from './nomad-port.js';
import type { HealthPort, JobsPort } from './ports.js';

export interface Cluster {
  readonly jobs: JobsPort;
  readonly health: HealthPort;
  close(): Promise<void>;
}

/** Ports to a Nomad and a Consul at known addresses (tests, benchmarks). */
export function connectClusterAt(addrs: { nomadAddr: string; consulAddr: string }, log: Logger): Cluster {
  const client = createNomadClient({ addr: addrs.nomadAddr, addrSource: 'the caller', log });
  const consul = createConsulClient({ addr: addrs.consulAddr, addrSource: 'the caller', log });
  return {
    jobs: createNomadJobsPort(client, addrs.nomadAddr),
    health: createConsulHealthPort(consul),
    close: async () => {
      await Promise.all([client.close(), consul.close()]);
    },
  };
}

export function connectCluster(loaded: LoadedConfig, log: Logger): Cluster {
  const { nomad, consul } = loaded.config;
  const nomadSource = describeSource(loaded, 'nomad.addr');
  const client = createNomadClient({
    addr: nomad.addr,
    addrSource: nomadSource,
    log: log.child({ module: 'jobs-runner' }),
    ...(nomad.token === undefined ? {} : { token: nomad.token }),
    ...(nomad.region === undefined ? {} : { region: nomad.region }),
    ...(nomad.namespace === undefined ? {} : { namespace: nomad.namespace }),
    ...(nomad.caCert === undefined ? {} : { tls: { caCert: nomad.caCert, ...(nomad.clientCert === undefined ? {} : { clientCert: nomad.clientCert }), ...(nomad.clientKey === undefined ? {} : { clientKey: nomad.clientKey }) } }),
  });
  const consulClient = createConsulClient({
    addr: consul.addr,
    addrSource: describeSource(loaded, 'consul.addr'),
    log: log.child({ module: 'jobs-runner' }),
    ...(consul.token === undefined ? {} : { token: consul.token }),
    ...(consul.datacenter === undefined ? {} : { datacenter: consul.datacenter }),
    ...(consul.caCert === undefined ? {} : { tls: { caCert: consul.caCert, ...(consul.clientCert === undefined ? {} : { clientCert: consul.clientCert }), ...(consul.clientKey === undefined ? {} : { clientKey: consul.clientKey }) } }),
  });
  return {
    jobs: createNomadJobsPort(client, `${nomad.addr} (set by ${nomadSource})`),
    health: createConsulHealthPort(consulClient),
    close: async () => {
      await Promise.all([client.close(), consulClient.close()]);
    },
  };
}
