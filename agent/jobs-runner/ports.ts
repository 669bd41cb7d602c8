// What the job runner needs from Nomad and Consul, narrowed to the calls it
// makes. nomad-port.ts adapts hearth's Nomad and Consul clients to these.
import type { AllocationListStub, Evaluation, Job, JobListStub, JobSummary, PlanResponse } from '../nomad/types.js';

export interface RegisterResult {
  readonly evalId: string;
  readonly jobModifyIndex: number;
}

export interface JobsPort {
  /** Where Nomad is, for messages: "http://127.0.0.1:4646 (from default)". */
  readonly describe: string;
  list(): Promise<JobListStub[]>;
  /** The registered job, or undefined when Nomad does not know it. */
  read(id: string): Promise<Job | undefined>;
  plan(job: Job): Promise<PlanResponse>;
  register(job: Job): Promise<RegisterResult>;
  deregister(id: string, purge: boolean): Promise<{ evalId: string }>;
  allocations(id: string): Promise<AllocationListStub[]>;
  summary(id: string): Promise<JobSummary | undefined>;
  evaluation(id: string): Promise<Evaluation>;
  /** What a task of an allocation wrote to stdout, from the start (Nomad's client filesystem API). */
  taskStdout(allocId: string, task: string): Promise<string>;
  /**
   * The same port for the jobs of one namespace (a job's own `Namespace`);
   * undefined keeps the configured one. Planning or registering there first
   * creates the namespace when Nomad does not know it.
   */
  inNamespace(namespace: string | undefined): JobsPort;
}

export interface ServiceHealth {
  readonly name: string;
  readonly passing: number;
  readonly total: number;
}

export interface HealthPort {
  serviceHealth(name: string): Promise<ServiceHealth>;
}
