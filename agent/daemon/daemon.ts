// The agent's composition root: the only place that knows every part. It
// builds small parts (identity, health, metrics, probes, discovery,
// registration, modules, the API server), starts them in order and stops
// them in reverse. It keeps running while Nomad or Consul is away.
import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import type { Route } from '../http-api/route.js';
import { createApiServer, type ApiServer } from '../http-api/server.js';
import { parseListenAddress, reachableHost } from '../http-api/listen-address.js';
import { createMetrics, type AgentMetrics } from '../metrics/metrics.js';
import { hearthVersion } from '../version.js';
import { createHealthModel, type PartHealth } from './health-model.js';
import { resolveNodeIdentity, type NodeIdentity } from './node-identity.js';
import { createReachabilityProbe, type ReachabilityProbe } from './reachability.js';
import { createStatusRoutes } from './status-routes.js';
import { createAgentBackends, type AgentBackends, type AgentBackendsOptions } from './backends.js';
import { MODULES, type AgentModule, type ModuleEntry } from './modules.js';
import { buildAgentService } from './agent-service.js';
import { readAgentStatus } from './agent-status.js';
import { stopWithin } from './stop-within.js';
import { HearthError } from '../errors.js';
import { createEventBus } from './event-bus.js';

export interface DaemonOptions {
  readonly loaded: LoadedConfig;
  readonly log: Logger;
  /** --listen: overrides api.listen. */
  readonly listen?: string | undefined;
  readonly modules?: readonly ModuleEntry[];
  /** How often Nomad and Consul are probed while unreachable (default 1 s, so a return is seen within 2 s). */
  readonly probeIntervalMs?: number;
  /** How often while they answer (default 5 s: an outage shows within about 6 s). */
  readonly reachableProbeIntervalMs?: number;
  /** Builds the Nomad and Consul side; tests hand in stand-ins. */
  readonly createBackends?: (options: AgentBackendsOptions) => AgentBackends;
}

export interface Daemon {
  start(): Promise<{ address: string; port: number; node: NodeIdentity }>;
  /** Deregisters, closes the watches and the listener; bounded by stopWithin's deadlines. */
  stop(): Promise<void>;
}

interface Part {
  readonly name: string;
  stop(): Promise<void> | void;
}

interface NamedModule {
  readonly name: string;
  readonly module: AgentModule;
}

/** Starts one module; a failure is logged and returned (the agent runs on, degraded), never thrown. */
async function startModule(entry: NamedModule, log: Logger): Promise<string | undefined> {
  try {
    await entry.module.start();
    return undefined;
  } catch (err) {
    log.error({ err, agentModule: entry.name }, 'agent module failed to start');
    return (err as Error).message;
  }
}

function createBackendProbes(
  backends: AgentBackends,
  metrics: AgentMetrics,
  timing: { intervalMs: number; reachableIntervalMs: number; log: Logger },
): Record<'nomad' | 'consul', ReachabilityProbe> {
  return {
    nomad: createReachabilityProbe({ name: 'nomad', probe: backends.pingNomad, ...timing, onChange: (s) => metrics.setReachable('nomad', s.reachable) }),
    consul: createReachabilityProbe({ name: 'consul', probe: backends.pingConsul, ...timing, onChange: (s) => metrics.setReachable('consul', s.reachable) }),
  };
}

function describeReachability(name: 'Nomad' | 'Consul', addr: string, probe: ReachabilityProbe): PartHealth {
  const state = probe.state();
  if (state.reachable) return { ok: true };
  // The clients' errors already say "cannot reach X at ADDR (set by SOURCE): why".
  const error = state.error ?? 'no answer';
  return { ok: false, reason: error.startsWith('cannot reach') ? error : `cannot reach ${name} at ${addr}: ${error}` };
}

const IDENTITY_DEADLINE_MS = 2000;
/** Longest wait for one part to stop, and for the whole stop (SIGTERM must end the process within 5 s). */
const PART_STOP_DEADLINE_MS = 2500;
const STOP_BUDGET_MS = 4000;

export function createDaemon(options: DaemonOptions): Daemon {
  const { loaded, log } = options;
  const config = loaded.config;
  const listen = options.listen ?? config.api.listen;
  const listenAddress = parseListenAddress(listen, options.listen === undefined ? 'api.listen' : '--listen');
  const started: Part[] = [];
  let stopping = false;

  async function start() {
    const startedAt = Date.now();
    const metrics = createMetrics();
    started.push({ name: 'metrics', stop: () => metrics.stop() });
    const backends: AgentBackends = (options.createBackends ?? createAgentBackends)({ loaded, log, metrics });
    started.push({ name: 'backends', stop: () => backends.close() });

    const probes = createBackendProbes(backends, metrics, {
      intervalMs: options.probeIntervalMs ?? 1000,
      reachableIntervalMs: options.reachableProbeIntervalMs ?? 5000,
      log,
    });
    for (const [name, probe] of Object.entries(probes)) {
      probe.start();
      started.push({ name: `${name} probe`, stop: () => probe.stop() });
    }

    const node = await resolveNodeIdentity({
      configured: config.node,
      readAgentSelf: () => backends.readAgentSelf(AbortSignal.timeout(IDENTITY_DEADLINE_MS)),
      fallbackAddress: reachableHost(listenAddress),
      log,
    });
    log.info({ node: node.name, address: node.address, source: node.source }, 'node identity resolved');

    const health = createHealthModel();
    health.addPart('nomad', () => describeReachability('Nomad', config.nomad.addr, probes.nomad));
    health.addPart('consul', () => describeReachability('Consul', config.consul.addr, probes.consul));

    const events = createEventBus(log.child({ module: 'events' }));
    const experts = backends.watchExperts(log);
    experts.onChange((list) => {
      metrics.setExpertsDiscovered(list.length);
      events.publish({ topic: 'experts', experts: list });
    });
    await experts.start();
    started.push({ name: 'discovery', stop: () => experts.stop() });
    health.addPart('discovery', () => experts.health());

    const modules: NamedModule[] = [];
    for (const entry of options.modules ?? MODULES) {
      const module = await entry.create({ config, log: log.child({ module: entry.name }), node, backends, metricsRegistry: metrics.registry, events, listExperts: () => experts.list() });
      modules.push({ name: entry.name, module });
    }

    const routes: Route[] = [
      ...createStatusRoutes({
        health,
        metrics,
        listExperts: () => experts.list(),
        refreshExperts: () => experts.refresh(),
        stopping: () => stopping,
        readStatus: () =>
          readAgentStatus({ node, version: hearthVersion(), startedAt, config, probes, health: health.report(), experts: experts.list() }),
      }),
      ...modules.flatMap((m) => m.module.routes ?? []),
    ];
    const authenticators = modules.flatMap((m) => (m.module.authenticate === undefined ? [] : [m.module.authenticate]));
    if (authenticators.length > 1) throw new HearthError('HEARTH_ERR_INTERNAL', 'More than one agent module brings a request authenticator.');
    const server: ApiServer = createApiServer({
      listen,
      token: config.api.token,
      log: log.child({ module: 'api' }),
      routes,
      upgrades: modules.flatMap((m) => m.module.upgrades ?? []),
      ...(authenticators[0] === undefined ? {} : { authenticate: authenticators[0] }),
    });

    for (const entry of modules) {
      const failure = await startModule(entry, log);
      if (failure === undefined) started.push({ name: entry.name, stop: () => entry.module.stop() });
      health.addPart(entry.name, () => (failure !== undefined ? { ok: false, reason: `failed to start: ${failure}` } : entry.module.health?.() ?? { ok: true }));
    }

    const bound = await server.start();
    started.push({ name: 'api server', stop: () => server.stop() });

    const registration = backends.registerAgent(
      buildAgentService({ node, version: hearthVersion(), listen: listenAddress, port: bound.port }),
      log,
    );
    await registration.start();
    started.push({ name: 'registration', stop: () => registration.stop() });
    health.addPart('registration', () => registration.health());

    log.info({ address: bound.address, port: bound.port, node: node.name }, 'agent started');
    return { ...bound, node };
  }

  return {
    async start() {
      try {
        return await start();
      } catch (err) {
        await this.stop();
        throw err;
      }
    },
    async stop() {
      stopping = true;
      // One budget for the whole stop, so a hanging backend cannot hold the process past it.
      const deadline = Date.now() + STOP_BUDGET_MS;
      // Reverse order: the registration goes first, so Consul stops sending checks here.
      while (started.length > 0) {
        const part = started.pop();
        if (part === undefined) break;
        await stopWithin(part.name, Math.max(100, Math.min(PART_STOP_DEADLINE_MS, deadline - Date.now())), () => part.stop(), log);
      }
      log.info('agent stopped');
    },
  };
}
