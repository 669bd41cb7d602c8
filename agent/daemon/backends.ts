// Builds the daemon's Nomad and Consul side from the config: the typed
// clients, plus the small views the daemon uses (probes, identity, expert
// watch, self-registration). Blocking reads are timed into the metrics.
import type { LoadedConfig } from '../config/load.js';
import { HearthError } from '../errors.js';
import type { Logger } from '../log.js';
import { createHttpClient } from '../http/request.js';
import type { AgentMetrics } from '../metrics/metrics.js';
import type { NomadClient } from '../nomad/client.js';
import type { ConsulClient } from '../consul/client.js';
import { createServiceWatcher } from '../consul/discovery.js';
import { readExperts, toExpert } from '../consul/experts.js';
import { createSelfRegistration, REGISTRATION_BACKOFF } from '../consul/registration.js';
import type { BlockingReadOptions } from '../consul/types.js';
import type { AgentRegistration, BackendPorts, ExpertWatch } from './backend-ports.js';
import type { AgentServiceDefinition } from './agent-service.js';
import type { AgentSelfFacts } from './node-identity.js';
import type { ExpertView } from './status-routes.js';
import { createConsulClientFromConfig, createNomadClientFromConfig, tlsFilesOf } from './clients.js';
import { describeSource } from '../config/load.js';

export interface AgentBackendsOptions {
  readonly loaded: LoadedConfig;
  readonly log: Logger;
  readonly metrics: AgentMetrics;
}

export interface AgentBackends extends BackendPorts {
  readonly nomad: NomadClient;
  readonly consul: ConsulClient;
}

/** The Consul reads discovery uses, each blocking read timed into the histogram. */
function timedDiscoveryReads(consul: ConsulClient, metrics: AgentMetrics): Pick<ConsulClient, 'catalogServices' | 'healthService' | 'healthState'> {
  async function timed<T>(endpoint: string, options: BlockingReadOptions, read: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await read();
    if (options.index !== undefined && options.index > 0) metrics.observeBlockingQuery('consul', endpoint, performance.now() - started);
    return result;
  }
  return {
    catalogServices: (options = {}) => timed('/v1/catalog/services', options, () => consul.catalogServices(options)),
    healthService: (name, options = {}) => timed('/v1/health/service', options, () => consul.healthService(name, options)),
    healthState: (state, options = {}) => timed('/v1/health/state', options, () => consul.healthState(state, options)),
  };
}

function createExpertWatch(consul: ConsulClient, loaded: LoadedConfig, metrics: AgentMetrics, log: Logger): ExpertWatch {
  const { expertPrefix, wait } = loaded.config.discovery;
  const listeners: ((experts: readonly ExpertView[]) => void)[] = [];
  const watcher = createServiceWatcher({
    consul: timedDiscoveryReads(consul, metrics),
    prefix: expertPrefix,
    wait,
    log,
    include: 'all',
    // A Consul that returns is followed within about a second, not after a long backoff.
    backoff: REGISTRATION_BACKOFF,
    onChange: (services) => {
      const experts = services.map(toExpert);
      for (const listener of listeners) listener(experts);
    },
  });
  return {
    start: async () => watcher.start(),
    stop: () => watcher.stop(),
    list: () => watcher.list().map(toExpert),
    refresh: () => readExperts(consul, expertPrefix),
    health() {
      const status = watcher.status();
      if (status.state === 'reachable') return { ok: true };
      return { ok: false, reason: `watching ${expertPrefix}* failed (${status.state}): ${status.lastError ?? 'no answer'}` };
    },
    onChange: (listener) => listeners.push(listener),
  };
}

function createAgentRegistration(consul: ConsulClient, service: AgentServiceDefinition, log: Logger): AgentRegistration {
  const registration = createSelfRegistration({
    consul,
    log,
    service: {
      id: service.id,
      name: service.name,
      address: service.address,
      port: service.port,
      tags: service.tags,
      meta: service.meta,
      checks: [
        {
          kind: 'http',
          http: service.check.http,
          interval: service.check.interval,
          timeout: service.check.timeout,
          deregisterCriticalServiceAfter: service.check.deregisterCriticalServiceAfter,
        },
      ],
    },
  });
  return {
    start: () => registration.start(),
    stop: () => registration.stop(),
    health: () => (registration.registered() ? { ok: true } : { ok: false, reason: `${service.id} is not registered in Consul yet (retrying)` }),
  };
}

async function readAgentSelf(nomad: NomadClient, signal: AbortSignal): Promise<AgentSelfFacts> {
  const self = await nomad.agent.self({ signal });
  const nodeId = self.stats?.client?.node_id;
  const nodeName = self.config?.NodeName || self.member?.Name?.split('.')[0];
  if (nodeId === undefined || nodeId === '') return { nodeName };
  const node = (await nomad.nodes.read(nodeId, { signal })).data;
  const address = node.HTTPAddr.slice(0, node.HTTPAddr.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  return { nodeName: node.Name, address: address === '' ? undefined : address };
}

export function createAgentBackends(options: AgentBackendsOptions): AgentBackends {
  const { loaded, log, metrics } = options;
  const nomad = createNomadClientFromConfig(loaded, log);
  const consul = createConsulClientFromConfig(loaded, log);
  const consulTls = tlsFilesOf(loaded.config.consul);
  // Consul's /v1/status/leader is the cheapest question; the client has no call for it.
  const consulStatus = createHttpClient({
    service: 'consul',
    addr: loaded.config.consul.addr,
    addrSource: describeSource(loaded, 'consul.addr'),
    ...(loaded.config.consul.token === undefined ? {} : { headers: { 'x-consul-token': loaded.config.consul.token } }),
    ...(consulTls === undefined ? {} : { tls: consulTls }),
    timeoutMs: 2000,
  });
  return {
    nomad,
    consul,
    async pingNomad(signal) {
      const leader = await nomad.status.leader({ signal });
      if (leader === '') throw new HearthError('HEARTH_ERR_UNREACHABLE', 'Nomad answers but has no leader');
    },
    async pingConsul(signal) {
      const res = await consulStatus.json<string>({ method: 'GET', path: '/v1/status/leader', signal });
      if (res.data === '') throw new HearthError('HEARTH_ERR_UNREACHABLE', 'Consul answers but has no leader');
    },
    readAgentSelf: (signal) => readAgentSelf(nomad, signal),
    watchExperts: (watchLog) => createExpertWatch(consul, loaded, metrics, watchLog),
    registerAgent: (service, registrationLog) => createAgentRegistration(consul, service, registrationLog),
    async close() {
      await Promise.all([nomad.close(), consul.close(), consulStatus.close()]);
    },
  };
}
