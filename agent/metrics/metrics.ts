// The agent's Prometheus metrics, on a registry of its own (never prom-client's
// global one), so two agents in one process, or a test, do not share counters.
import { Registry, Gauge, Histogram, collectDefaultMetrics } from './prom.js';

export type Backend = 'nomad' | 'consul';

export interface AgentMetrics {
  /** 1 while the service answers, 0 while it does not. */
  setReachable(backend: Backend, reachable: boolean): void;
  setExpertsDiscovered(count: number): void;
  /** How long one blocking query took to answer, in milliseconds. */
  observeBlockingQuery(backend: Backend, endpoint: string, ms: number): void;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  readonly contentType: string;
  /** The registry modules add their own metrics to (their names start with `hearth_`). */
  readonly registry: Registry;
  stop(): void;
}

export function createMetrics(options: { readonly processMetrics?: boolean } = {}): AgentMetrics {
  const registry = new Registry();
  // The event-loop-delay monitor samples on a timer; 1 s keeps an idle agent idle.
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'hearth_', eventLoopMonitoringPrecision: 1000 });

  const reachable = new Gauge({
    name: 'hearth_backend_reachable',
    help: '1 when the agent last reached the backend (nomad or consul), 0 when it did not.',
    labelNames: ['backend'],
    registers: [registry],
  });
  const experts = new Gauge({
    name: 'hearth_experts_discovered',
    help: 'Expert services (discovery.expertPrefix) the agent currently knows of.',
    registers: [registry],
  });
  const blocking = new Histogram({
    name: 'hearth_blocking_query_seconds',
    help: 'Time a blocking query took to answer (a change, or the wait running out).',
    labelNames: ['backend', 'endpoint'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30, 120, 300, 600],
    registers: [registry],
  });
  reachable.set({ backend: 'nomad' }, 0);
  reachable.set({ backend: 'consul' }, 0);
  experts.set(0);

  return {
    setReachable: (backend, value) => reachable.set({ backend }, value ? 1 : 0),
    setExpertsDiscovered: (count) => experts.set(count),
    observeBlockingQuery: (backend, endpoint, ms) => blocking.observe({ backend, endpoint }, ms / 1000),
    render: () => registry.metrics(),
    contentType: registry.contentType,
    registry,
    stop: () => registry.clear(),
  };
}
