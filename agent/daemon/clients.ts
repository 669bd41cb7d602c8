// Nomad and Consul clients built from the config, with the source of each
// address so a connection failure names where the address was set.
import { describeSource, type LoadedConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import type { TlsFiles } from '../http/tls.js';
import { createNomadClient, type NomadClient } from '../nomad/client.js';
import { createConsulClient, type ConsulClient } from '../consul/client.js';

interface TlsSection {
  readonly caCert?: string | undefined;
  readonly clientCert?: string | undefined;
  readonly clientKey?: string | undefined;
}

export function tlsFilesOf(section: TlsSection): TlsFiles | undefined {
  const files = {
    ...(section.caCert === undefined ? {} : { caCert: section.caCert }),
    ...(section.clientCert === undefined ? {} : { clientCert: section.clientCert }),
    ...(section.clientKey === undefined ? {} : { clientKey: section.clientKey }),
  };
  return Object.keys(files).length === 0 ? undefined : files;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function createNomadClientFromConfig(loaded: LoadedConfig, log: Logger): NomadClient {
  const { nomad } = loaded.config;
  return createNomadClient({
    addr: nomad.addr,
    addrSource: describeSource(loaded, 'nomad.addr'),
    log: log.child({ module: 'nomad' }),
    ...optional('token', nomad.token),
    ...optional('region', nomad.region),
    ...optional('namespace', nomad.namespace),
    ...optional('tls', tlsFilesOf(nomad)),
  });
}

export function createConsulClientFromConfig(loaded: LoadedConfig, log: Logger): ConsulClient {
  const { consul } = loaded.config;
  return createConsulClient({
    addr: consul.addr,
    addrSource: describeSource(loaded, 'consul.addr'),
    log: log.child({ module: 'consul' }),
    ...optional('token', consul.token),
    ...optional('datacenter', consul.datacenter),
    ...optional('tls', tlsFilesOf(consul)),
  });
}
