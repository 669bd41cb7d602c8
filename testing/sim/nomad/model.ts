// The objects the simulated Nomad server keeps, in Nomad's JSON shape.
import type { AllocClientStatus, AllocDesiredStatus, EvalStatus, Job, TaskState } from '../../../agent/nomad/types.js';

export interface SimNode {
  readonly ID: string;
  readonly Name: string;
  readonly Address: string;
  readonly Datacenter: string;
  readonly NodeClass: string;
  readonly Meta: Record<string, string>;
  readonly Attributes: Record<string, string>;
  readonly cpuMhz: number;
  readonly memoryMb: number;
  readonly drivers: readonly string[];
  readonly gpus: number;
  readonly CreateIndex: number;
  readonly ModifyIndex: number;
  /** Dynamic port range for this node. */
  readonly portRange: readonly [number, number];
}

export interface AllocatedPort {
  Label: string;
  Value: number;
  To: number;
  HostIP: string;
}

export interface SimEval {
  ID: string;
  Namespace: string;
  Priority: number;
  Type: string;
  TriggeredBy: string;
  JobID: string;
  JobModifyIndex: number;
  NodeID: string;
  NodeModifyIndex: number;
  DeploymentID: string;
  Status: EvalStatus;
  StatusDescription: string;
  Wait: number;
  WaitUntil: string | null;
  NextEval: string;
  PreviousEval: string;
  BlockedEval: string;
  RelatedEvals: null;
  FailedTGAllocs: Record<string, AllocMetric> | null;
  ClassEligibility: Record<string, boolean> | null;
  EscapedComputedClass: boolean;
  QuotaLimitReached: string;
  AnnotatePlan: boolean;
  QueuedAllocations: Record<string, number> | null;
  LeaderACL: string;
  SnapshotIndex: number;
  CreateIndex: number;
  ModifyIndex: number;
  CreateTime: number;
  ModifyTime: number;
}

export interface AllocMetric {
  NodesEvaluated: number;
  NodesFiltered: number;
  NodesInPool: number;
  NodesAvailable: Record<string, number>;
  ClassFiltered: Record<string, number> | null;
  ConstraintFiltered: Record<string, number> | null;
  NodesExhausted: number;
  ClassExhausted: Record<string, number> | null;
  DimensionExhausted: Record<string, number> | null;
  QuotaExhausted: string[] | null;
  ResourcesExhausted: Record<string, unknown> | null;
  Scores: null;
  ScoreMetaData: null;
  AllocationTime: number;
  CoalescedFailures: number;
}

export interface SimAlloc {
  ID: string;
  Namespace: string;
  EvalID: string;
  Name: string;
  NodeID: string;
  NodeName: string;
  JobID: string;
  Job: Job;
  TaskGroup: string;
  /** The index in the alloc name ("web.app[2]" is 2). */
  readonly index: number;
  AllocatedResources: Record<string, unknown>;
  readonly ports: AllocatedPort[];
  /** Resources this alloc holds on its node while non-terminal. */
  readonly usage: { cpu: number; memoryMb: number; gpus: number };
  DesiredStatus: AllocDesiredStatus;
  DesiredDescription: string;
  ClientStatus: AllocClientStatus;
  ClientDescription: string;
  TaskStates: Record<string, TaskState>;
  DeploymentStatus: { Healthy: boolean | null; Timestamp: string; Canary: boolean; ModifyIndex: number } | null;
  PreviousAllocation: string;
  NextAllocation: string;
  FollowupEvalID: string;
  RescheduleTracker: { Events: RescheduleEvent[] } | null;
  CreateIndex: number;
  ModifyIndex: number;
  AllocModifyIndex: number;
  CreateTime: number;
  ModifyTime: number;
}

export interface RescheduleEvent {
  RescheduleTime: number;
  PrevAllocID: string;
  PrevNodeID: string;
  Delay: number;
}

export function isTerminalClient(status: AllocClientStatus): boolean {
  return status === 'complete' || status === 'failed' || status === 'lost';
}

/** Nomad's Allocation.TerminalStatus: the server wants it stopped, or the client finished it. */
export function isTerminalAlloc(a: SimAlloc): boolean {
  return a.DesiredStatus !== 'run' || isTerminalClient(a.ClientStatus);
}

export function nowNs(): number {
  return Date.now() * 1_000_000;
}
