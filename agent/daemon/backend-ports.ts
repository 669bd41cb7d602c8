// What the daemon needs from Nomad and Consul, as small interfaces. backends.ts
// builds them from the real clients; tests hand in stand-ins.
import type { Logger } from '../log.js';
import type { PartHealth } from './health-model.js';
import type { AgentSelfFacts } from './node-identity.js';
import type { ExpertView } from './status-routes.js';
import type { AgentServiceDefinition } from './agent-service.js';

export interface ExpertWatch {
  start(): Promise<void>;
  stop(): Promise<void>;
  list(): readonly ExpertView[];
  /** Reads the experts from Consul now, without waiting for the watch. */
  refresh(): Promise<readonly ExpertView[]>;
  health(): PartHealth;
  onChange(listener: (experts: readonly ExpertView[]) => void): void;
}

export interface AgentRegistration {
  start(): Promise<void>;
  /** Deregisters the agent's service. */
  stop(): Promise<void>;
  health(): PartHealth;
}

export interface BackendPorts {
  pingNomad(signal: AbortSignal): Promise<void>;
  pingConsul(signal: AbortSignal): Promise<void>;
  readAgentSelf(signal: AbortSignal): Promise<AgentSelfFacts>;
  watchExperts(log: Logger): ExpertWatch;
  registerAgent(service: AgentServiceDefinition, log: Logger): AgentRegistration;
  close(): Promise<void> | void;
}
