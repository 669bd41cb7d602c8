// Stands in for the power manager's routes and its 'power' bus events (the
// real one needs eBPF and a scaled Nomad job): services held in memory, with
// the same row shape as GET /api/v1/power. Sleep and wake take a moment and
// record a cold start with every phase. `control` lets a test or benchmark
// change a state as the real manager would.
import type { ModuleDeps, ModuleEntry } from '../../agent/daemon/modules.js';
import type { EventBus } from '../../agent/daemon/event-bus.js';
import type { Route, RouteResponse } from '../../agent/http-api/route.js';
import type { ServiceStatus } from '../../agent/power/manager.js';
import { parseDuration } from '../../agent/util/duration.js';

export interface PowerStandIn {
  readonly entry: ModuleEntry;
  /** The same routes, for a module that calls them in process (the twin). */
  readonly routes: readonly Route[];
  /** Sets a service's state and publishes it, as a power transition would. */
  setState(service: string, state: ServiceStatus['state']): void;
}

export function powerStandIn(names: readonly string[]): PowerStandIn {
  const services = new Map<string, ServiceStatus>();
  for (const [i, name] of names.entries()) {
    services.set(name, {
      service: name, jobId: name, group: 'server', powerGroup: name, address: '127.0.0.1', port: 9100 + i,
      state: 'awake', idleForMs: 0, idleTimeoutMs: 600_000, idleTimeoutSource: 'job meta', wakeCount: 1, heldConnections: 0,
      lastColdStart: { startedAt: new Date().toISOString(), trigger: 'packet', phasesMs: { scale_requested: 14, allocation_running: 820, healthy: 2950, first_byte: 3120 } },
    });
  }
  let events: EventBus | undefined;
  const put = (status: ServiceStatus): ServiceStatus => {
    services.set(status.service, status);
    events?.publish({ topic: 'power', service: status.service, status });
    return status;
  };
  const find = (name: string): ServiceStatus | RouteResponse => services.get(name) ?? { status: 404, json: { error: { code: 'HEARTH_ERR_NOT_FOUND', message: `No power-managed service ${name}.` } } };
  const answer = (name: string, change: (s: ServiceStatus) => ServiceStatus | RouteResponse): RouteResponse => {
    const found = find(name);
    if (!('service' in found)) return found;
    const next = change(found);
    return 'service' in next ? { status: 200, json: put(next) } : next;
  };
  const routes: Route[] = [
    { method: 'GET', path: '/api/v1/power', auth: 'none', handler: () => ({ status: 200, json: { services: [...services.values()], refused: [] } }) },
    { method: 'GET', path: '/api/v1/power/:service', auth: 'none', handler: (req) => answer(req.params['service'] ?? '', (s) => s) },
    { method: 'POST', path: '/api/v1/power/:service/sleep', auth: 'token', handler: (req) => answer(req.params['service'] ?? '', (s) => ({ ...s, state: 'sleeping', heldConnections: 0 })) },
    {
      method: 'POST', path: '/api/v1/power/:service/wake', auth: 'token',
      handler: (req) => answer(req.params['service'] ?? '', (s) => ({
        ...s, state: 'awake', wakeCount: (s.wakeCount ?? 0) + 1,
        lastColdStart: { startedAt: new Date().toISOString(), trigger: 'operator', phasesMs: { scale_requested: 9, allocation_running: 640, healthy: 2400, first_byte: 2480 } },
      })),
    },
    {
      method: 'PUT', path: '/api/v1/power/:service/idle', auth: 'token',
      handler: (req) => answer(req.params['service'] ?? '', (s) => {
        const text = (req.body as { timeout?: unknown } | undefined)?.timeout;
        const ms = typeof text === 'string' ? parseDuration(text) : undefined;
        if (ms === undefined || ms < 1000) return { status: 400, json: { error: { code: 'HEARTH_ERR_INVALID_INPUT', message: `Expected the request body field \`timeout\` to be a duration of at least 1s, got ${JSON.stringify(text)}.` } } };
        return { ...s, idleTimeoutMs: ms, idleTimeoutSource: 'operator' };
      }),
    },
  ];
  return {
    routes,
    entry: {
      name: 'power',
      create: (deps: ModuleDeps) => {
        events = deps.events;
        return { routes, start: () => undefined, stop: () => undefined };
      },
    },
    setState(service, state) {
      const s = services.get(service);
      if (s !== undefined) put({ ...s, state });
    },
  };
}
