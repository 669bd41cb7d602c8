// The parts of Nomad's HTTP API hearth uses, in Nomad's JSON shape (PascalCase
// Go field names, durations in integer nanoseconds). Reference:
// shared/reference/nomad-consul-api.md and shared/specs/nomad-openapi.yaml.

/** Nanoseconds, as Nomad encodes time.Duration. */
export type Nanoseconds = number;

export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

export interface Constraint {
  LTarget?: string;
  Operand: string;
  RTarget?: string;
}

export interface Port {
  Label: string;
  Value?: number;
  To?: number;
  HostNetwork?: string;
}

export interface NetworkResource {
  Mode?: string;
  Device?: string;
  IP?: string;
  ReservedPorts?: Port[];
  DynamicPorts?: Port[];
}

export interface RequestedDevice {
  Name: string;
  Count?: number;
  Constraints?: Constraint[];
}

export interface Resources {
  CPU?: number;
  Cores?: number;
  MemoryMB?: number;
  MemoryMaxMB?: number;
  Devices?: RequestedDevice[];
}

export interface ServiceCheck {
  Name?: string;
  Type: 'http' | 'tcp' | 'script' | 'grpc';
  Path?: string;
  Protocol?: string;
  PortLabel?: string;
  Method?: string;
  Interval: Nanoseconds;
  Timeout: Nanoseconds;
  InitialStatus?: string;
  CheckRestart?: { Limit?: number; Grace?: Nanoseconds; IgnoreWarnings?: boolean };
  SuccessBeforePassing?: number;
  FailuresBeforeCritical?: number;
  OnUpdate?: string;
}

export interface Service {
  Name: string;
  Tags?: string[];
  PortLabel?: string;
  AddressMode?: string;
  Address?: string;
  Checks?: ServiceCheck[];
  Meta?: Record<string, string>;
  Provider?: 'consul' | 'nomad';
  TaskName?: string;
  OnUpdate?: string;
}

export interface Template {
  /** The template text (Nomad's EmbeddedTmpl): Go template with Consul functions. */
  EmbeddedTmpl?: string;
  SourcePath?: string;
  DestPath: string;
  ChangeMode?: 'noop' | 'restart' | 'signal' | 'script';
  ChangeSignal?: string;
  Splay?: Nanoseconds;
  Perms?: string;
  LeftDelim?: string;
  RightDelim?: string;
  Envvars?: boolean;
}

export interface RestartPolicy {
  Attempts?: number;
  Interval?: Nanoseconds;
  Delay?: Nanoseconds;
  Mode?: 'fail' | 'delay';
}

export interface ReschedulePolicy {
  Attempts?: number;
  Interval?: Nanoseconds;
  Delay?: Nanoseconds;
  DelayFunction?: string;
  MaxDelay?: Nanoseconds;
  Unlimited?: boolean;
}

export interface UpdateStrategy {
  Stagger?: Nanoseconds;
  MaxParallel?: number;
  HealthCheck?: string;
  MinHealthyTime?: Nanoseconds;
  HealthyDeadline?: Nanoseconds;
  ProgressDeadline?: Nanoseconds;
  Canary?: number;
  AutoRevert?: boolean;
  AutoPromote?: boolean;
}

export interface ScalingPolicy {
  Min?: number;
  Max?: number;
  Enabled?: boolean;
  Policy?: Record<string, unknown>;
  Type?: string;
}

export interface LogConfig {
  MaxFiles?: number;
  MaxFileSizeMB?: number;
  Disabled?: boolean;
}

export interface Task {
  Name: string;
  Driver: string;
  User?: string;
  Config?: Record<string, unknown>;
  Env?: Record<string, string>;
  Services?: Service[];
  Resources?: Resources;
  RestartPolicy?: RestartPolicy;
  Meta?: Record<string, string>;
  KillTimeout?: Nanoseconds;
  KillSignal?: string;
  LogConfig?: LogConfig;
  Templates?: Template[];
  Constraints?: Constraint[];
  Lifecycle?: { Hook: 'prestart' | 'poststart' | 'poststop'; Sidecar?: boolean };
  Leader?: boolean;
  ShutdownDelay?: Nanoseconds;
}

export interface EphemeralDisk {
  SizeMB?: number;
  Sticky?: boolean;
  Migrate?: boolean;
}

export interface TaskGroup {
  Name: string;
  Count?: number;
  Constraints?: Constraint[];
  Tasks: Task[];
  RestartPolicy?: RestartPolicy;
  ReschedulePolicy?: ReschedulePolicy;
  EphemeralDisk?: EphemeralDisk;
  Update?: UpdateStrategy;
  Networks?: NetworkResource[];
  Meta?: Record<string, string>;
  Services?: Service[];
  ShutdownDelay?: Nanoseconds;
  Scaling?: ScalingPolicy;
}

export type JobType = 'service' | 'batch' | 'system' | 'sysbatch';
export type JobStatus = 'pending' | 'running' | 'dead';

export interface Job {
  ID: string;
  Name?: string;
  Namespace?: string;
  Region?: string;
  Type?: JobType;
  Priority?: number;
  AllAtOnce?: boolean;
  Datacenters?: string[];
  NodePool?: string;
  Constraints?: Constraint[];
  TaskGroups: TaskGroup[];
  Update?: UpdateStrategy;
  Meta?: Record<string, string>;
  Stop?: boolean;
  // Server-set fields, present on reads.
  Status?: JobStatus;
  StatusDescription?: string;
  Stable?: boolean;
  Version?: number;
  SubmitTime?: number;
  CreateIndex?: number;
  ModifyIndex?: number;
  JobModifyIndex?: number;
}

/** What `nomad job run -json` reads and `nomad job inspect` prints. */
export interface JobFile {
  Job: Job;
}

export interface JobRegisterRequest {
  Job: Job;
  EnforceIndex?: boolean;
  JobModifyIndex?: number;
  PolicyOverride?: boolean;
  PreserveCounts?: boolean;
  EvalPriority?: number;
}

/** Fields Nomad puts on every write response (structs.QueryMeta). */
export interface WriteMeta {
  Index: number;
  LastContact: number;
  KnownLeader: boolean;
  NextToken: string;
}

export interface JobRegisterResponse extends WriteMeta {
  EvalID: string;
  EvalCreateIndex: number;
  JobModifyIndex: number;
  Warnings: string;
}

export interface JobDeregisterResponse extends WriteMeta {
  EvalID: string;
  EvalCreateIndex: number;
  JobModifyIndex: number;
  VolumeEvalID: string;
  VolumeEvalIndex: number;
}

export interface JobListStub {
  ID: string;
  ParentID: string;
  Name: string;
  Namespace?: string;
  Datacenters: string[];
  Type: JobType;
  Priority: number;
  Periodic: boolean;
  ParameterizedJob: boolean;
  Stop: boolean;
  Status: JobStatus;
  StatusDescription: string;
  JobSummary?: JobSummary | null;
  Meta?: Record<string, string>;
  CreateIndex: number;
  ModifyIndex: number;
  JobModifyIndex: number;
  SubmitTime: number;
}

export interface TaskGroupSummary {
  Queued: number;
  Complete: number;
  Failed: number;
  Running: number;
  Starting: number;
  Lost: number;
  Unknown: number;
}

export interface JobSummary {
  JobID: string;
  Namespace: string;
  Summary: Record<string, TaskGroupSummary>;
  Children?: { Pending: number; Running: number; Dead: number } | null;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface ScalingRequest {
  Count?: number | null;
  Target: { Group: string; Job?: string; Namespace?: string };
  Message?: string;
  Error?: boolean;
  Meta?: Record<string, unknown>;
  PolicyOverride?: boolean;
  JobModifyIndex?: number;
}

export interface ScalingEvent {
  Count?: number | null;
  PreviousCount: number;
  Message: string;
  Error: boolean;
  Meta?: Record<string, unknown> | null;
  EvalID?: string | null;
  Time: number;
  CreateIndex: number;
}

export interface TaskGroupScaleStatus {
  Desired: number;
  Placed: number;
  Running: number;
  Healthy: number;
  Unhealthy: number;
  Events?: ScalingEvent[] | null;
}

export interface JobScaleStatus {
  JobID: string;
  Namespace: string;
  JobCreateIndex: number;
  JobModifyIndex: number;
  JobStopped: boolean;
  TaskGroups: Record<string, TaskGroupScaleStatus>;
}

export interface TaskEvent {
  Type: string;
  Time: number;
  Message: string;
  DisplayMessage: string;
  Details: Record<string, string>;
  ExitCode?: number;
  Signal?: number;
  DriverError?: string;
  RestartReason?: string;
}

export interface TaskState {
  State: 'pending' | 'running' | 'dead';
  Failed: boolean;
  Restarts: number;
  LastRestart?: string | null;
  StartedAt?: string | null;
  FinishedAt?: string | null;
  Events: TaskEvent[];
}

export type AllocClientStatus = 'pending' | 'running' | 'complete' | 'failed' | 'lost' | 'unknown';
export type AllocDesiredStatus = 'run' | 'stop' | 'evict';

export interface AllocationListStub {
  ID: string;
  EvalID: string;
  Name: string;
  Namespace: string;
  NodeID: string;
  NodeName: string;
  JobID: string;
  JobType: JobType;
  JobVersion: number;
  TaskGroup: string;
  DesiredStatus: AllocDesiredStatus;
  DesiredDescription: string;
  ClientStatus: AllocClientStatus;
  ClientDescription: string;
  TaskStates?: Record<string, TaskState> | null;
  DeploymentStatus?: { Healthy?: boolean | null; Timestamp: string; Canary: boolean } | null;
  FollowupEvalID: string;
  CreateIndex: number;
  ModifyIndex: number;
  CreateTime: number;
  ModifyTime: number;
}

export type EvalStatus = 'blocked' | 'pending' | 'complete' | 'failed' | 'canceled';

export interface Evaluation {
  ID: string;
  Priority: number;
  Type: JobType;
  TriggeredBy: string;
  Namespace: string;
  JobID: string;
  JobModifyIndex: number;
  NodeID: string;
  DeploymentID: string;
  Status: EvalStatus;
  StatusDescription: string;
  FailedTGAllocs?: Record<string, unknown> | null;
  QueuedAllocations?: Record<string, number> | null;
  BlockedEval: string;
  CreateIndex: number;
  ModifyIndex: number;
  CreateTime: number;
  ModifyTime: number;
}

export interface NodeListStub {
  ID: string;
  Name: string;
  Address: string;
  Datacenter: string;
  NodeClass: string;
  NodePool: string;
  Version: string;
  Drain: boolean;
  SchedulingEligibility: 'eligible' | 'ineligible';
  Status: 'initializing' | 'ready' | 'down' | 'disconnected';
  StatusDescription: string;
  Drivers: Record<string, { Detected: boolean; Healthy: boolean }>;
  Attributes?: Record<string, string>;
  CreateIndex: number;
  ModifyIndex: number;
}

export interface PlanResponse {
  Annotations?: { DesiredTGUpdates: Record<string, Record<string, number>> } | null;
  Diff?: JobDiff | null;
  FailedTGAllocs?: Record<string, unknown> | null;
  JobModifyIndex: number;
  NextPeriodicLaunch: string;
  Warnings: string;
  Index: number;
}

export interface FieldDiff {
  Type: 'None' | 'Added' | 'Deleted' | 'Edited';
  Name: string;
  Old: string;
  New: string;
  Annotations?: string[] | null;
}

export interface ObjectDiff {
  Type: 'None' | 'Added' | 'Deleted' | 'Edited';
  Name: string;
  Fields?: FieldDiff[] | null;
  Objects?: ObjectDiff[] | null;
}

export interface JobDiff {
  Type: 'None' | 'Added' | 'Deleted' | 'Edited';
  ID: string;
  Fields?: FieldDiff[] | null;
  Objects?: ObjectDiff[] | null;
  TaskGroups?: Array<{ Type: string; Name: string; Fields?: FieldDiff[] | null; Objects?: ObjectDiff[] | null; Tasks?: unknown[] | null; Updates: Record<string, number> | null }> | null;
}

export type EventTopic = 'Job' | 'Allocation' | 'Deployment' | 'Evaluation' | 'Node' | 'Service' | '*' | (string & {});

export interface StreamEvent {
  Topic: EventTopic;
  Type: string;
  Key: string;
  Namespace: string;
  FilterKeys?: string[] | null;
  Index: number;
  Payload: Record<string, unknown>;
}

export interface EventFrame {
  Index: number;
  Events: StreamEvent[];
}

/** Response meta of a blocking GET (X-Nomad-Index and friends). */
export interface QueryMeta {
  lastIndex: number;
  lastContactMs: number;
  knownLeader: boolean;
  nextToken?: string;
}

/** A GET answer with its blocking-query meta. */
export interface QueryResult<T> {
  data: T;
  meta: QueryMeta;
}

export interface JobValidateResponse {
  DriverConfigValidated: boolean;
  ValidationErrors?: string[] | null;
  Error: string;
  Warnings: string;
}

/** One allocation in full (GET /v1/allocation/:id); the list-stub fields plus the job it runs. */
export interface Allocation extends AllocationListStub {
  Job?: Job;
  AllocatedResources?: Record<string, unknown> | null;
}

/** One node in full (GET /v1/node/:id); only the fields hearth reads are typed. */
export interface NodeDetail {
  ID: string;
  Name: string;
  Datacenter: string;
  NodeClass: string;
  NodePool?: string;
  HTTPAddr: string;
  Status: NodeListStub['Status'];
  SchedulingEligibility: NodeListStub['SchedulingEligibility'];
  Drain: boolean;
  Attributes?: Record<string, string> | null;
  Meta?: Record<string, string> | null;
  Drivers: NodeListStub['Drivers'];
  CreateIndex: number;
  ModifyIndex: number;
}

/** GET /v1/agent/self, cut down to what tells hearth which node a local agent runs on. */
export interface AgentSelf {
  config?: { NodeName?: string; Region?: string; Datacenter?: string; Client?: { Enabled?: boolean } };
  member?: { Name?: string; Addr?: string };
  stats?: { client?: { node_id?: string } };
}
