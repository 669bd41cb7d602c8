// The row the API, the CLI, Mission Control's event stream and the metrics
// show for one managed service, built from what the manager knows of it.
import type { ColdStart } from './cold-start.js';
import type { RefusedService } from './discovery.js';
import type { ServiceCounters } from './ports.js';
import type { PowerState } from './vocabulary.js';

export type { PowerState } from './vocabulary.js';

/** The last sleep or wake of the service that failed, until one succeeds. */
export interface TransitionError {
  readonly action: 'sleep' | 'wake';
  /** ISO 8601. */
  readonly at: string;
  readonly message: string;
}

export interface ServiceStatus {
  readonly service: string;
  readonly jobId: string;
  readonly group: string;
  readonly powerGroup: string;
  readonly address: string;
  readonly port: number;
  readonly state: PowerState;
  readonly idleForMs: number;
  readonly idleTimeoutMs: number;
  readonly idleTimeoutSource: 'job meta' | 'operator';
  readonly wakeCount?: number;
  readonly heldConnections: number;
  readonly counters?: ServiceCounters;
  readonly lastColdStart?: ColdStart;
  readonly lastError?: TransitionError;
}

export interface PowerOverview {
  readonly services: ServiceStatus[];
  readonly refused: RefusedService[];
}
