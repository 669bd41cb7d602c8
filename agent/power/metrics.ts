// The power manager's Prometheus metrics. The daemon owns the registry and
// passes it in; the gauges read the manager's overview when scraped.
import { Counter, Gauge, Histogram, type Registry } from '../metrics/prom.js';
import type { ColdStartPhase } from './cold-start.js';
import type { PowerMetricsSink } from './context.js';
import type { PowerOverview } from './status.js';
import { POWER_STATES } from './vocabulary.js';

/** Seconds from the first packet; spans a fast RPC worker (ms) to a large model load (minutes). */
const PHASE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export interface PowerMetrics extends PowerMetricsSink {
  /** Points the gauges at the manager whose services they report. */
  bind(overview: () => PowerOverview): void;
}

export function createPowerMetrics(registry: Registry): PowerMetrics {
  let source: (() => PowerOverview) | undefined;
  const services = () => source?.().services ?? [];

  const coldStart = new Histogram({
    name: 'hearth_power_cold_start_seconds',
    help: 'Seconds from the first packet to each cold-start phase (scale_requested, allocation_running, healthy, first_byte).',
    labelNames: ['service', 'phase'] as const,
    buckets: PHASE_BUCKETS,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'hearth_power_transition_failures_total',
    help: 'Sleeps and wakes that failed, per service and action (a failed sleep is undone; the error shows in `hearth power status`).',
    labelNames: ['service', 'action'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'hearth_power_service_bytes',
    help: 'Bytes seen by the traffic monitor per service and direction (health checks included).',
    labelNames: ['service', 'direction'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const status of services()) {
        if (status.counters === undefined) continue;
        this.set({ service: status.service, direction: 'rx' }, status.counters.rxBytes);
        this.set({ service: status.service, direction: 'tx' }, status.counters.txBytes);
      }
    },
  });
  new Gauge({
    name: 'hearth_power_service_connections',
    help: 'Open connections per service, by kind: traffic (keeps it awake) or check (health checks, ignored).',
    labelNames: ['service', 'kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const status of services()) {
        if (status.counters === undefined) continue;
        this.set({ service: status.service, kind: 'traffic' }, status.counters.openConnections);
        this.set({ service: status.service, kind: 'check' }, status.counters.checkConnections);
      }
    },
  });
  new Gauge({
    name: 'hearth_power_held_connections',
    help: 'Connections to a sleeping or waking service held by the agent until it is healthy.',
    labelNames: ['service'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const status of services()) this.set({ service: status.service }, status.heldConnections);
    },
  });
  new Gauge({
    name: 'hearth_power_state',
    help: '1 for the power state each managed service is in (awake, sleeping, waking).',
    labelNames: ['service', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const status of services()) {
        for (const state of POWER_STATES) this.set({ service: status.service, state }, status.state === state ? 1 : 0);
      }
    },
  });

  return {
    bind(overview) {
      source = overview;
    },
    observePhase(service: string, phase: ColdStartPhase, seconds: number) {
      coldStart.observe({ service, phase }, seconds);
    },
    countFailure(service, action) {
      failures.inc({ service, action });
    },
  };
}
