// The narrow views of the traffic monitor, Nomad and Consul that the power
// manager uses. The real clients (agent/bpf, agent/nomad, agent/consul) satisfy
// them structurally; tests pass stand-ins that follow the same contract.
import type { AllocationListStub, Job, JobScaleStatus } from '../nomad/types.js';

export interface ServiceCounters {
  readonly rxPackets: number;
  readonly rxBytes: number;
  readonly txPackets: number;
  readonly txBytes: number;
  /** Bytes on connections that are not health checks. */
  readonly activityBytes: number;
  /** Open connections that are not health checks. */
  readonly openConnections: number;
  readonly checkConnections: number;
  readonly lastActivityNs: number;
}

export interface SynEvent {
  readonly serviceId: string;
  readonly srcAddress: string;
  readonly srcPort: number;
  readonly dstAddress: string;
  readonly dstPort: number;
  /** CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns), the clock process.hrtime uses. */
  readonly timestampNs: number | bigint;
}

export interface TrafficMonitorPort {
  watch(spec: { id: string; address: string; port: number; protocol: 'tcp'; checkPrefix?: string }): void | Promise<void>;
  unwatch(id: string): void | Promise<void>;
  /** The counters of every watched service, or of `only` those (one kernel read each). */
  counters(only?: readonly string[]): Map<string, ServiceCounters>;
  setSleeping(id: string, sleeping: boolean): void | Promise<void>;
  onSyn(listener: (event: SynEvent) => void): () => void;
  /** Steers new connections for the service's address to the listening socket `listenerFd` (sk_lookup). */
  hold(id: string, listenerFd: number): void | Promise<void>;
  release(id: string): void | Promise<void>;
}

export interface NomadPort {
  readonly jobs: {
    /** ModifyIndex, when given, lets a caller skip re-reading a job that did not change. */
    list(): Promise<ReadonlyArray<{ ID: string; ModifyIndex?: number }>>;
    read(id: string): Promise<Job>;
    scaleStatus(id: string): Promise<JobScaleStatus>;
    /** A null count records a scaling event without changing the job. */
    scale(id: string, request: { group: string; count: number | null; message: string; meta?: Record<string, unknown> }): Promise<unknown>;
    /** Registers `job`; with enforceIndex, only if the job is still at `jobModifyIndex`. */
    register(job: Job, options: { enforceIndex: true; jobModifyIndex: number }): Promise<unknown>;
    allocations(id: string): Promise<AllocationListStub[]>;
  };
}

export interface ConsulServiceRegistration {
  readonly ID: string;
  readonly Name: string;
  readonly Address: string;
  readonly Port: number;
  readonly Tags: string[];
  readonly Meta: Record<string, string>;
}

export interface ConsulHealthEntry {
  readonly Service: { readonly ID: string; readonly Service: string; readonly Meta?: Record<string, string> | null };
  readonly Checks: ReadonlyArray<{ readonly Status: string; readonly ServiceID?: string }> | null;
}

export interface ConsulPort {
  registerService(registration: ConsulServiceRegistration): Promise<unknown>;
  deregisterService(id: string): Promise<unknown>;
  /** The service's instances whose checks (node checks included) all pass. */
  healthService(name: string, options: { passing: true }): Promise<ConsulHealthEntry[]>;
}
