// What the parts of the power manager (transitions, steering, adoption, the
// idle loop) share: the ports, the clock, the members, and the few operations
// every part uses to record a change.
import type { Logger } from '../log.js';
import type { Clock } from './clock.js';
import type { ColdStart, ColdStartPhase } from './cold-start.js';
import type { Member } from './member.js';
import type { PowerStateStore, ServiceRecord } from './power-state.js';
import type { ConsulPort, NomadPort, TrafficMonitorPort } from './ports.js';
import type { ServiceStatus } from './status.js';

export interface PowerMetricsSink {
  observePhase(service: string, phase: ColdStartPhase, seconds: number): void;
  /** A sleep or wake of the service failed. */
  countFailure(service: string, action: 'sleep' | 'wake'): void;
}

export interface PowerManagerDeps {
  readonly log: Logger;
  readonly nomad: NomadPort;
  readonly consul: ConsulPort;
  readonly monitor: TrafficMonitorPort;
  readonly store: PowerStateStore;
  readonly node: { readonly name: string; readonly address: string; readonly id?: string };
  readonly holdLimitMs: number;
  /** How often counters are sampled for idleness (a map read, no syscalls per packet). Default 1s. */
  readonly tickMs?: number;
  /** How often managed jobs are re-read from Nomad. Default 15s. */
  readonly refreshMs?: number;
  /** Poll interval while a wake waits for Nomad and Consul. Default 100ms. */
  readonly wakePollMs?: number;
  /** How long a scaled-down service may take to stop listening before SYN events are turned on anyway. Default 60s. */
  readonly stopWaitMs?: number;
  readonly metrics?: PowerMetricsSink;
  /** Called with the new row whenever a service's power state (or its last error) changes. */
  readonly onChange?: (status: ServiceStatus) => void;
  /** Default: the system clock. */
  readonly clock?: Clock;
}

export type WakeTrigger = ColdStart['trigger'];

export interface PowerContext {
  readonly deps: PowerManagerDeps;
  readonly log: Logger;
  readonly clock: Clock;
  readonly pollMs: number;
  readonly signal: AbortSignal;
  readonly members: Map<string, Member>;
  inGroup(powerGroup: string): Member[];
  persist(member: Member, change: Partial<ServiceRecord>): Promise<void>;
  /** Sets the member's state (and publishes the change). */
  setState(member: Member, state: Member['state']): void;
  /** Records a failed transition on the member (status, metric, event). */
  recordFailure(member: Member, action: 'sleep' | 'wake', err: unknown): void;
  /** Publishes the member's row (its state or error changed). */
  changed(member: Member): void;
  /** Starts a wake of the group unless one is under way. */
  requestWake(powerGroup: string, startNs: bigint, trigger: WakeTrigger): Promise<void>;
}
