// Read-side shapes of Nomad: list stubs, job summary, scale status, nodes.
import type { Job, JobScaleStatus, JobSummary, TaskGroupSummary } from '../../../agent/nomad/types.js';
import { isTerminalClient, type SimAlloc, type SimNode } from './model.js';
import { jobKey, type NomadStore } from './store.js';

export function jobSummary(store: NomadStore, job: Job): JobSummary {
  const key = jobKey(job.Namespace ?? 'default', job.ID);
  const summary: Record<string, TaskGroupSummary> = {};
  for (const g of job.TaskGroups) summary[g.Name] = { Queued: 0, Complete: 0, Failed: 0, Running: 0, Starting: 0, Lost: 0, Unknown: 0 };
  for (const a of store.allocsOfJob(key)) {
    const s = (summary[a.TaskGroup] ??= { Queued: 0, Complete: 0, Failed: 0, Running: 0, Starting: 0, Lost: 0, Unknown: 0 });
    if (a.ClientStatus === 'running') s.Running += 1;
    else if (a.ClientStatus === 'pending') s.Starting += 1;
    else if (a.ClientStatus === 'complete') s.Complete += 1;
    else if (a.ClientStatus === 'failed') s.Failed += 1;
    else if (a.ClientStatus === 'lost') s.Lost += 1;
    else s.Unknown += 1;
  }
  for (const ev of store.evalsOfJob(key)) {
    if (ev.Status !== 'blocked') continue;
    for (const [g, n] of Object.entries(ev.FailedTGAllocs ?? {})) {
      const s = summary[g];
      if (s !== undefined) s.Queued += n.CoalescedFailures + 1;
    }
  }
  return { JobID: job.ID, Namespace: job.Namespace ?? 'default', Summary: summary, Children: { Pending: 0, Running: 0, Dead: 0 }, CreateIndex: job.CreateIndex ?? 0, ModifyIndex: store.jobIndex(key, 'summary') };
}

export function jobListStub(store: NomadStore, job: Job): Record<string, unknown> {
  const extra = job as unknown as { ParentID?: string; Periodic?: unknown; ParameterizedJob?: unknown };
  return {
    ID: job.ID, ParentID: extra.ParentID ?? '', Name: job.Name ?? job.ID, Namespace: job.Namespace ?? 'default', Datacenters: job.Datacenters ?? [],
    NodePool: job.NodePool ?? 'default', Multiregion: null, Type: job.Type ?? 'service', Priority: job.Priority ?? 50,
    Periodic: extra.Periodic != null, ParameterizedJob: extra.ParameterizedJob != null, Stop: job.Stop === true,
    Status: job.Status ?? 'pending', StatusDescription: job.StatusDescription ?? '', JobSummary: jobSummary(store, job),
    CreateIndex: job.CreateIndex ?? 0, ModifyIndex: job.ModifyIndex ?? 0, JobModifyIndex: job.JobModifyIndex ?? 0, SubmitTime: job.SubmitTime ?? 0,
    ...(job.Meta != null ? { Meta: job.Meta } : {}),
  };
}

export function allocStub(a: SimAlloc): Record<string, unknown> {
  return {
    ID: a.ID, EvalID: a.EvalID, Name: a.Name, Namespace: a.Namespace, NodeID: a.NodeID, NodeName: a.NodeName, JobID: a.JobID,
    JobType: a.Job.Type ?? 'service', JobVersion: a.Job.Version ?? 0, TaskGroup: a.TaskGroup,
    AllocatedResources: a.AllocatedResources,
    DesiredStatus: a.DesiredStatus, DesiredDescription: a.DesiredDescription, ClientStatus: a.ClientStatus, ClientDescription: a.ClientDescription,
    DesiredTransition: { Migrate: null, Reschedule: null, ForceReschedule: null, NoShutdownDelay: null },
    TaskStates: Object.keys(a.TaskStates).length === 0 ? null : a.TaskStates,
    DeploymentStatus: a.DeploymentStatus, FollowupEvalID: a.FollowupEvalID, NextAllocation: a.NextAllocation,
    RescheduleTracker: a.RescheduleTracker, PreemptedAllocations: null, PreemptedByAllocation: '',
    CreateIndex: a.CreateIndex, ModifyIndex: a.ModifyIndex, CreateTime: a.CreateTime, ModifyTime: a.ModifyTime,
  };
}

export function scaleStatus(store: NomadStore, job: Job): JobScaleStatus {
  const key = jobKey(job.Namespace ?? 'default', job.ID);
  const events = store.scalingEvents(key);
  const allocs = store.allocsOfJob(key);
  const groups: JobScaleStatus['TaskGroups'] = {};
  for (const g of job.TaskGroups) {
    const mine = allocs.filter((a) => a.TaskGroup === g.Name && a.DesiredStatus === 'run' && !isTerminalClient(a.ClientStatus));
    groups[g.Name] = {
      Desired: g.Count ?? 0,
      Placed: mine.length,
      Running: mine.filter((a) => a.ClientStatus === 'running').length,
      Healthy: mine.filter((a) => a.DeploymentStatus?.Healthy === true).length,
      Unhealthy: mine.filter((a) => a.DeploymentStatus?.Healthy === false).length,
      Events: events[g.Name] ?? null,
    };
  }
  return { JobID: job.ID, Namespace: job.Namespace ?? 'default', JobCreateIndex: job.CreateIndex ?? 0, JobModifyIndex: job.JobModifyIndex ?? 0, JobStopped: job.Stop === true, TaskGroups: groups };
}

function drivers(n: SimNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of n.drivers) out[d] = { Attributes: { [`driver.${d}`]: '1' }, Detected: true, Healthy: true, HealthDescription: 'Healthy', UpdateTime: '2026-01-01T00:00:00Z' };
  return out;
}

export function nodeStub(n: SimNode, withResources: boolean, withOs: boolean): Record<string, unknown> {
  return {
    Address: n.Address, ID: n.ID, Datacenter: n.Datacenter, Name: n.Name, NodeClass: n.NodeClass, NodePool: 'default', Version: '1.9.0',
    Drain: false, SchedulingEligibility: 'eligible', Status: 'ready', StatusDescription: '', Drivers: drivers(n), HostVolumes: null,
    NodeResources: withResources ? nodeResources(n) : undefined, ReservedResources: withResources ? { Cpu: { CpuShares: 0 }, Memory: { MemoryMB: 0 }, Disk: { DiskMB: 0 }, Networks: { ReservedHostPorts: '' } } : undefined,
    Attributes: withOs ? { 'os.name': n.Attributes['os.name'] ?? 'debian' } : undefined,
    LastDrain: null, CreateIndex: n.CreateIndex, ModifyIndex: n.ModifyIndex,
  };
}

function nodeResources(n: SimNode): Record<string, unknown> {
  return {
    Cpu: { CpuShares: n.cpuMhz, TotalCpuCores: 4, ReservableCpuCores: [0, 1, 2, 3] },
    Memory: { MemoryMB: n.memoryMb },
    Disk: { DiskMB: 100_000 },
    Networks: [{ Mode: 'host', Device: 'lo', IP: n.Address, CIDR: `${n.Address}/32`, MBits: 1000 }],
    Devices: n.gpus > 0 ? [{ Vendor: 'nvidia', Type: 'gpu', Name: 'sim', Instances: Array.from({ length: n.gpus }, (_, i) => ({ ID: `GPU-${i}`, Healthy: true })) }] : null,
    MinDynamicPort: n.portRange[0], MaxDynamicPort: n.portRange[1],
  };
}

export function nodeFull(n: SimNode): Record<string, unknown> {
  return {
    ...nodeStub(n, true, false), Attributes: n.Attributes, Meta: n.Meta, HTTPAddr: `${n.Address}:4646`, TLSEnabled: false,
    ComputedClass: `v1:${n.NodeClass || 'default'}`, NodeResources: nodeResources(n), Events: [], StatusUpdatedAt: Math.floor(Date.now() / 1000),
  };
}
