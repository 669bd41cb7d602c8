// The defaults Nomad's HTTP agent fills into every submitted job
// (api.Job.Canonicalize plus the server's admission defaults).
import type { Job } from '../../../agent/nomad/types.js';

/** Raw decoded JSON being shaped into a job; fields are checked where they are read. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const S = 1_000_000_000;
const M = 60 * S;
const H = 60 * M;

function orDefault<T>(value: unknown, fallback: T): T {
  return value === undefined || value === null ? fallback : (value as T);
}

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? (value as Obj[]) : [];
}

export interface CanonicalizeContext {
  readonly region: string;
  readonly namespace?: string;
}

/** Returns a new job object with every default set, in Nomad's field order. */
export function canonicalizeJob(input: Obj, ctx: CanonicalizeContext): Job {
  const type: string = orDefault(input.Type, 'service');
  const id: string = orDefault(input.ID, '');
  const region: string = input.Region === undefined || input.Region === null || input.Region === '' || input.Region === 'global' ? ctx.region : input.Region;
  const job: Obj = {
    Region: region,
    Namespace: ctx.namespace ?? orDefault(input.Namespace, 'default'),
    ID: id,
    ParentID: orDefault(input.ParentID, ''),
    Name: orDefault(input.Name, id) || id,
    Type: type,
    Priority: orDefault(input.Priority, 50),
    AllAtOnce: orDefault(input.AllAtOnce, false),
    Datacenters: Array.isArray(input.Datacenters) && input.Datacenters.length > 0 ? [...input.Datacenters] : ['*'],
    NodePool: orDefault(input.NodePool, 'default') || 'default',
    Constraints: canonicalConstraints(input.Constraints),
    Affinities: canonicalWeighted(input.Affinities),
    Spreads: canonicalWeighted(input.Spreads),
    TaskGroups: null,
    Update: type === 'service' || type === 'system' ? canonicalUpdate(input.Update) : emptyUpdate(),
    Multiregion: orDefault(input.Multiregion, null),
    Periodic: orDefault(input.Periodic, null),
    ParameterizedJob: orDefault(input.ParameterizedJob, null),
    Dispatched: orDefault(input.Dispatched, false),
    DispatchIdempotencyToken: '',
    Payload: orDefault(input.Payload, null),
    Meta: orDefault(input.Meta, null),
    ConsulToken: '',
    ConsulNamespace: orDefault(input.ConsulNamespace, ''),
    VaultToken: '',
    VaultNamespace: orDefault(input.VaultNamespace, ''),
    NomadTokenID: '',
    Status: '',
    StatusDescription: '',
    Stable: false,
    Version: 0,
    SubmitTime: 0,
    CreateIndex: 0,
    ModifyIndex: 0,
    JobModifyIndex: 0,
    Stop: orDefault(input.Stop, false),
  };
  job.TaskGroups = Array.isArray(input.TaskGroups) ? input.TaskGroups.map((tg: Obj) => canonicalGroup(tg ?? {}, job)) : [];
  return job as Job;
}

function canonicalConstraints(value: unknown): Obj[] | null {
  const items = list(value).map((c) => ({ LTarget: orDefault(c.LTarget, ''), RTarget: orDefault(c.RTarget, ''), Operand: orDefault(c.Operand, '=') }));
  return items.length === 0 ? null : items;
}

function canonicalWeighted(value: unknown): Obj[] | null {
  const items = list(value).map((a) => ({ ...a, Weight: orDefault(a.Weight, 50) }));
  return items.length === 0 ? null : items;
}

function emptyUpdate(): Obj {
  return { Stagger: 0, MaxParallel: 0, HealthCheck: '', MinHealthyTime: 0, HealthyDeadline: 0, ProgressDeadline: 0, Canary: 0, AutoRevert: false, AutoPromote: false };
}

function canonicalUpdate(u: Obj | null | undefined): Obj {
  const v = u ?? {};
  return {
    Stagger: orDefault(v.Stagger, 30 * S),
    MaxParallel: orDefault(v.MaxParallel, 1),
    HealthCheck: orDefault(v.HealthCheck, 'checks'),
    MinHealthyTime: orDefault(v.MinHealthyTime, 10 * S),
    HealthyDeadline: orDefault(v.HealthyDeadline, 5 * M),
    ProgressDeadline: orDefault(v.ProgressDeadline, 10 * M),
    Canary: orDefault(v.Canary, 0),
    AutoRevert: orDefault(v.AutoRevert, false),
    AutoPromote: orDefault(v.AutoPromote, false),
  };
}

function canonicalGroup(tg: Obj, job: Obj): Obj {
  const type: string = job.Type;
  const scaling: Obj | null = tg.Scaling ?? null;
  const count: number = orDefault(tg.Count, typeof scaling?.Min === 'number' ? scaling.Min : 1);
  const restartDefault = type === 'batch' || type === 'sysbatch'
    ? { Attempts: 3, Interval: 24 * H, Delay: 15 * S, Mode: 'fail', RenderTemplates: false }
    : { Attempts: 2, Interval: 30 * M, Delay: 15 * S, Mode: 'fail', RenderTemplates: false };
  const restart = { ...restartDefault, ...stripNull(tg.RestartPolicy ?? {}) };
  const group: Obj = {
    Name: orDefault(tg.Name, ''),
    Count: count,
    Update: type === 'service' || type === 'system' ? { ...job.Update, ...stripNull(tg.Update ?? {}) } : null,
    Migrate: type === 'service' ? { MaxParallel: 1, HealthCheck: 'checks', MinHealthyTime: 10 * S, HealthyDeadline: 5 * M, ...stripNull(tg.Migrate ?? {}) } : null,
    Constraints: canonicalConstraints(tg.Constraints),
    Scaling: scaling === null ? null : canonicalScaling(scaling, count, job, tg),
    RestartPolicy: restart,
    Disconnect: null,
    Tasks: null,
    EphemeralDisk: { SizeMB: 300, Sticky: false, Migrate: false, ...stripNull(tg.EphemeralDisk ?? {}) },
    Meta: orDefault(tg.Meta, null),
    ReschedulePolicy: canonicalReschedule(type, tg.ReschedulePolicy),
    Affinities: canonicalWeighted(tg.Affinities),
    Spreads: canonicalWeighted(tg.Spreads),
    Networks: list(tg.Networks).length === 0 ? null : list(tg.Networks).map(canonicalNetwork),
    Consul: { Namespace: '', Cluster: 'default', Partition: '', ...(tg.Consul ?? {}) },
    Services: null,
    Volumes: orDefault(tg.Volumes, null),
    ShutdownDelay: orDefault(tg.ShutdownDelay, null),
    StopAfterClientDisconnect: orDefault(tg.StopAfterClientDisconnect, null),
    MaxClientDisconnect: orDefault(tg.MaxClientDisconnect, null),
    PreventRescheduleOnLost: false,
  };
  group.Services = canonicalServices(tg.Services, `${job.Name}-${group.Name}`, '');
  group.Tasks = list(tg.Tasks).map((t) => canonicalTask(t ?? {}, job, group, restart));
  return group;
}

function canonicalScaling(s: Obj, count: number, job: Obj, tg: Obj): Obj {
  return {
    ID: orDefault(s.ID, ''),
    Type: orDefault(s.Type, 'horizontal'),
    Target: { Namespace: job.Namespace, Job: job.ID, Group: orDefault(tg.Name, '') },
    Policy: orDefault(s.Policy, null),
    Min: orDefault(s.Min, count),
    Max: orDefault(s.Max, null),
    Enabled: orDefault(s.Enabled, true),
    CreateIndex: 0,
    ModifyIndex: 0,
  };
}

function canonicalReschedule(type: string, given: Obj | null | undefined): Obj | null {
  if (type === 'system' || type === 'sysbatch') return null;
  const base = type === 'batch'
    ? { Attempts: 1, Interval: 24 * H, Delay: 5 * S, DelayFunction: 'constant', MaxDelay: 0, Unlimited: false }
    : { Attempts: 0, Interval: 0, Delay: 30 * S, DelayFunction: 'exponential', MaxDelay: H, Unlimited: true };
  return { ...base, ...stripNull(given ?? {}) };
}

function canonicalNetwork(n: Obj): Obj {
  const ports = (value: unknown): Obj[] | null => {
    const items = list(value).map((p) => ({ Label: orDefault(p.Label, ''), Value: orDefault(p.Value, 0), To: orDefault(p.To, 0), HostNetwork: orDefault(p.HostNetwork, 'default') }));
    return items.length === 0 ? null : items;
  };
  return {
    Mode: orDefault(n.Mode, 'host') || 'host', Device: orDefault(n.Device, ''), CIDR: orDefault(n.CIDR, ''), IP: orDefault(n.IP, ''),
    Hostname: orDefault(n.Hostname, ''), MBits: orDefault(n.MBits, 0), DNS: orDefault(n.DNS, null),
    ReservedPorts: ports(n.ReservedPorts), DynamicPorts: ports(n.DynamicPorts),
  };
}

function canonicalServices(value: unknown, defaultName: string, taskName: string): Obj[] | null {
  const items = list(value).map((s) => ({
    Name: orDefault(s.Name, '') || defaultName,
    TaskName: orDefault(s.TaskName, taskName),
    PortLabel: orDefault(s.PortLabel, ''),
    AddressMode: orDefault(s.AddressMode, 'auto') || 'auto',
    Address: orDefault(s.Address, ''),
    EnableTagOverride: orDefault(s.EnableTagOverride, false),
    Tags: orDefault(s.Tags, null),
    CanaryTags: orDefault(s.CanaryTags, null),
    Checks: list(s.Checks).length === 0 ? null : list(s.Checks).map((c) => canonicalCheck(c, s)),
    Connect: orDefault(s.Connect, null),
    Meta: orDefault(s.Meta, null),
    CanaryMeta: orDefault(s.CanaryMeta, null),
    TaggedAddresses: orDefault(s.TaggedAddresses, null),
    Namespace: 'default',
    OnUpdate: orDefault(s.OnUpdate, 'require_healthy') || 'require_healthy',
    Provider: orDefault(s.Provider, 'consul') || 'consul',
    Cluster: orDefault(s.Cluster, 'default') || 'default',
    Identity: null,
    Weights: null,
  }));
  return items.length === 0 ? null : items;
}

function canonicalCheck(c: Obj, s: Obj): Obj {
  return {
    Name: orDefault(c.Name, '') || `service: ${JSON.stringify(s.Name ?? '')} check`,
    Type: orDefault(c.Type, ''), Command: orDefault(c.Command, ''), Args: orDefault(c.Args, null), Path: orDefault(c.Path, ''),
    Protocol: orDefault(c.Protocol, ''), PortLabel: orDefault(c.PortLabel, ''), Expose: orDefault(c.Expose, false),
    AddressMode: orDefault(c.AddressMode, ''), Advertise: orDefault(c.Advertise, ''), Interval: orDefault(c.Interval, 0),
    Timeout: orDefault(c.Timeout, 0), InitialStatus: orDefault(c.InitialStatus, ''), TLSServerName: '', TLSSkipVerify: orDefault(c.TLSSkipVerify, false),
    Method: orDefault(c.Method, ''), Header: orDefault(c.Header, null), CheckRestart: orDefault(c.CheckRestart, null),
    GRPCService: orDefault(c.GRPCService, ''), GRPCUseTLS: orDefault(c.GRPCUseTLS, false), TaskName: orDefault(c.TaskName, ''),
    SuccessBeforePassing: orDefault(c.SuccessBeforePassing, 0), FailuresBeforeCritical: orDefault(c.FailuresBeforeCritical, 0),
    FailuresBeforeWarning: 0, Body: orDefault(c.Body, ''), OnUpdate: orDefault(c.OnUpdate, 'require_healthy') || 'require_healthy',
  };
}

function canonicalTask(t: Obj, job: Obj, group: Obj, restart: Obj): Obj {
  const res: Obj = t.Resources ?? {};
  const cores: number = orDefault(res.Cores, 0);
  return {
    Name: orDefault(t.Name, ''),
    Driver: orDefault(t.Driver, ''),
    User: orDefault(t.User, ''),
    Config: orDefault(t.Config, null),
    Env: orDefault(t.Env, null),
    Services: canonicalServices(t.Services, `${job.Name}-${group.Name}-${orDefault(t.Name, '')}`, orDefault(t.Name, '')),
    Vault: orDefault(t.Vault, null),
    Templates: list(t.Templates).length === 0 ? null : list(t.Templates).map(canonicalTemplate),
    Constraints: canonicalConstraints(t.Constraints),
    Affinities: canonicalWeighted(t.Affinities),
    Resources: {
      CPU: orDefault(res.CPU, cores > 0 ? 0 : 100),
      Cores: cores,
      MemoryMB: orDefault(res.MemoryMB, 300),
      MemoryMaxMB: orDefault(res.MemoryMaxMB, 0),
      DiskMB: orDefault(res.DiskMB, 0),
      IOPS: orDefault(res.IOPS, 0),
      Networks: orDefault(res.Networks, null),
      Devices: list(res.Devices).length === 0 ? null : list(res.Devices).map((d) => ({ ...d, Count: orDefault(d.Count, 1) })),
      NUMA: null,
    },
    RestartPolicy: { ...restart, ...stripNull(t.RestartPolicy ?? {}) },
    DispatchPayload: orDefault(t.DispatchPayload, null),
    Lifecycle: orDefault(t.Lifecycle, null),
    Meta: orDefault(t.Meta, null),
    KillTimeout: orDefault(t.KillTimeout, 5 * S),
    LogConfig: { MaxFiles: 10, MaxFileSizeMB: 10, Disabled: false, ...stripNull(t.LogConfig ?? {}) },
    Artifacts: orDefault(t.Artifacts, null),
    Leader: orDefault(t.Leader, false),
    ShutdownDelay: orDefault(t.ShutdownDelay, 0),
    VolumeMounts: orDefault(t.VolumeMounts, null),
    ScalingPolicies: orDefault(t.ScalingPolicies, null),
    KillSignal: orDefault(t.KillSignal, ''),
    Kind: orDefault(t.Kind, ''),
    CSIPluginConfig: orDefault(t.CSIPluginConfig, null),
    Identity: null,
    Identities: null,
    Actions: null,
  };
}

function canonicalTemplate(t: Obj): Obj {
  return {
    SourcePath: orDefault(t.SourcePath, ''), DestPath: orDefault(t.DestPath, ''), EmbeddedTmpl: orDefault(t.EmbeddedTmpl, ''),
    ChangeMode: orDefault(t.ChangeMode, 'restart') || 'restart', ChangeScript: null, ChangeSignal: orDefault(t.ChangeSignal, ''),
    Splay: orDefault(t.Splay, 5 * S), Perms: orDefault(t.Perms, '0644') || '0644', Uid: null, Gid: null,
    LeftDelim: orDefault(t.LeftDelim, '{{') || '{{', RightDelim: orDefault(t.RightDelim, '}}') || '}}', Envvars: orDefault(t.Envvars, false),
    VaultGrace: 0, Wait: null, ErrMissingKey: false,
  };
}

function stripNull(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}
