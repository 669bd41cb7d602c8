// What `hearth status` and `hearth experts` show, read through a narrow port
// so the rendering is independent of the HTTP clients.
import type { Expert } from '../consul/experts.js';

export interface NodeRow {
  readonly name: string;
  readonly address: string;
  readonly status: string;
  readonly eligibility: string;
  readonly datacenter: string;
}

export interface JobRow {
  readonly id: string;
  readonly type: string;
  readonly status: string;
}

export interface ServiceRow {
  readonly name: string;
  readonly instances: number;
  readonly passing: number;
  readonly warning: number;
  readonly critical: number;
}

export interface ClusterReader {
  nomadLeader(): Promise<string>;
  nomadNodes(): Promise<NodeRow[]>;
  nomadJobs(): Promise<JobRow[]>;
  consulServices(): Promise<ServiceRow[]>;
  experts(prefix: string): Promise<Expert[]>;
  close(): void;
}

export { worstStatus } from '../consul/health-diff.js';
