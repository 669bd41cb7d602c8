// The power manager as an agent module: starts the traffic monitor on the
// configured interfaces, opens the power state, builds the manager and
// contributes its routes and metrics. With power.enabled = false it does nothing.
import type { Registry } from 'prom-client';
import type { HearthConfig } from '../config/schema.js';
import { HearthError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Route } from '../http-api/route.js';
import { createPowerManager, type PowerManager } from './manager.js';
import type { ServiceStatus } from './status.js';
import { createPowerMetrics } from './metrics.js';
import { openPowerStateStore } from './power-state.js';
import type { ConsulPort, NomadPort, TrafficMonitorPort } from './ports.js';
import { createPowerRoutes } from './routes.js';

export interface StartableMonitor extends TrafficMonitorPort {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export interface PowerModuleDeps {
  readonly config: Pick<HearthConfig, 'power' | 'state'>;
  readonly log: Logger;
  readonly node: { readonly name: string; readonly address: string };
  readonly nomad: NomadPort;
  readonly consul: ConsulPort;
  /** Builds the traffic monitor for the interfaces to watch. */
  readonly createMonitor: (options: { interfaces: string[]; log: Logger }) => StartableMonitor;
  /** `lo` plus every interface carrying the node's address: used when power.interfaces is unset. */
  readonly defaultInterfaces: (nodeAddress: string) => string[];
  /** The daemon's registry; the power metrics are registered on it. */
  readonly registry?: Registry;
  /** Where each change of a service's power row is published (the agent's event bus, topic 'power'). */
  readonly events?: { publish(event: { readonly topic: 'power'; readonly service: string; readonly status: unknown }): void };
  /** Test knobs; production uses the defaults. */
  readonly tickMs?: number;
  readonly refreshMs?: number;
}

export interface PowerModule {
  readonly name: 'power';
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly routes: Route[];
  health(): { ok: boolean; reason?: string };
  /** The manager, once started. */
  manager(): PowerManager;
}

export function createPowerModule(deps: PowerModuleDeps): PowerModule {
  const { power, state } = deps.config;
  const holdLimitMs = power.holdLimit;
  const metrics = deps.registry === undefined ? undefined : createPowerMetrics(deps.registry);
  let monitor: StartableMonitor | undefined;
  let manager: PowerManager | undefined;
  let failure: string | undefined;

  const started = (): PowerManager => {
    if (manager !== undefined) return manager;
    const why = power.enabled ? (failure ?? 'the power manager is starting') : 'power management is disabled (power.enabled = false)';
    throw new HearthError('HEARTH_ERR_POWER', `Power management is not available: ${why}.`);
  };
  // Routes are listed before start(); each call reaches the manager start() built.
  const routes = createPowerRoutes({
    start: async () => undefined,
    stop: async () => undefined,
    overview: () => started().overview(),
    status: (service) => started().status(service),
    sleep: (service) => started().sleep(service),
    wake: (service) => started().wake(service),
    setIdleTimeout: (service, text, source) => started().setIdleTimeout(service, text, source),
    refresh: () => started().refresh(),
  });

  return {
    name: 'power',
    routes,
    manager: started,
    health: () => (!power.enabled || manager !== undefined ? { ok: true } : { ok: false, reason: failure ?? 'power manager not started' }),
    async start() {
      if (!power.enabled) {
        deps.log.info('power management disabled');
        return;
      }
      try {
        const store = await openPowerStateStore(state.dir);
        const interfaces = power.interfaces ?? deps.defaultInterfaces(deps.node.address);
        const created = deps.createMonitor({ interfaces, log: deps.log });
        await created.start();
        monitor = created;
        const built = createPowerManager({
          log: deps.log,
          nomad: deps.nomad,
          consul: deps.consul,
          monitor: created,
          store,
          node: deps.node,
          holdLimitMs,
          ...(metrics === undefined ? {} : { metrics }),
          ...(deps.events === undefined ? {} : { onChange: (status: ServiceStatus) => deps.events?.publish({ topic: 'power', service: status.service, status }) }),
          ...(deps.tickMs === undefined ? {} : { tickMs: deps.tickMs }),
          ...(deps.refreshMs === undefined ? {} : { refreshMs: deps.refreshMs }),
        });
        await built.start();
        manager = built;
        metrics?.bind(() => built.overview());
        deps.log.info({ interfaces }, 'power manager started');
      } catch (err) {
        failure = (err as Error).message;
        await monitor?.stop();
        monitor = undefined;
        throw err;
      }
    },
    async stop() {
      const running = manager;
      manager = undefined;
      await running?.stop();
      await monitor?.stop();
      monitor = undefined;
    },
  };
}
