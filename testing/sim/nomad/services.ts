// The Consul registrations a running allocation makes, with Nomad's ID scheme:
// `_nomad-task-<allocID>-<task>-<service>-<portLabel>` (group services use
// `group-<group>`), checks `_nomad-check-<hash>`, address = the node address.
import { createHash } from 'node:crypto';
import type { Service, ServiceCheck } from '../../../agent/nomad/types.js';
import type { SimAlloc, SimNode } from './model.js';
import type { NomadServiceRegistration } from './service-registry.js';

/** A check with a `check_restart` block: restart `task` after `limit` unhealthy results past `graceMs`. */
export interface CheckRestartWatch {
  readonly checkId: string;
  readonly checkName: string;
  readonly task: string;
  readonly limit: number;
  readonly graceMs: number;
  readonly ignoreWarnings: boolean;
  readonly intervalMs: number;
}

export interface ServiceRegistration {
  readonly id: string;
  readonly name: string;
  readonly checkIds: readonly string[];
  readonly body: Record<string, unknown>;
  readonly checkRestarts: readonly CheckRestartWatch[];
}

function portFor(alloc: SimAlloc, label: string | undefined): number {
  if (label === undefined || label === '') return 0;
  const found = alloc.ports.find((p) => p.Label === label);
  if (found !== undefined) return found.Value;
  return /^\d+$/.test(label) ? Number(label) : 0;
}

function checkBody(alloc: SimAlloc, serviceId: string, svc: Service, check: ServiceCheck, address: string, servicePort: number): Record<string, unknown> | undefined {
  const port = check.PortLabel !== undefined && check.PortLabel !== '' ? portFor(alloc, check.PortLabel) : servicePort;
  const id = `_nomad-check-${createHash('sha1').update(`${serviceId}|${check.Name ?? ''}|${check.Type}|${check.Path ?? ''}|${port}`).digest('hex')}`;
  const interval = `${Math.max(1, Math.round((check.Interval ?? 10_000_000_000) / 1e6))}ms`;
  const timeout = `${Math.max(1, Math.round((check.Timeout ?? 2_000_000_000) / 1e6))}ms`;
  const base = {
    CheckID: id, Name: check.Name ?? `service: "${svc.Name}" check`, Interval: interval, Timeout: timeout,
    ...(check.InitialStatus ? { Status: check.InitialStatus } : {}),
    SuccessBeforePassing: check.SuccessBeforePassing ?? 0, FailuresBeforeCritical: check.FailuresBeforeCritical ?? 0,
  };
  if (check.Type === 'http') {
    const path = check.Path ?? '/';
    return { ...base, HTTP: `${check.Protocol || 'http'}://${address}:${port}${path.startsWith('/') ? path : `/${path}`}`, Method: check.Method || 'GET' };
  }
  if (check.Type === 'tcp') return { ...base, TCP: `${address}:${port}` };
  return undefined;
}

function servicesOf(alloc: SimAlloc): Array<{ owner: string; svc: Service }> {
  const tg = alloc.Job.TaskGroups.find((g) => g.Name === alloc.TaskGroup);
  if (tg === undefined) return [];
  return [
    ...(tg.Services ?? []).map((svc) => ({ owner: `group-${tg.Name}`, svc })),
    ...tg.Tasks.flatMap((t) => (t.Services ?? []).map((svc) => ({ owner: t.Name, svc }))),
  ];
}

/** Registrations in Nomad's own catalog for the services with `Provider: "nomad"`. */
export function buildNomadRegistrations(alloc: SimAlloc, node: SimNode): Array<Omit<NomadServiceRegistration, 'CreateIndex' | 'ModifyIndex'>> {
  return servicesOf(alloc).filter(({ svc }) => svc.Provider === 'nomad').map(({ owner, svc }) => ({
    ID: `_nomad-task-${alloc.ID}-${owner}-${svc.Name}-${svc.PortLabel ?? ''}`,
    ServiceName: svc.Name, Namespace: alloc.Namespace, NodeID: node.ID, Datacenter: node.Datacenter, JobID: alloc.JobID, AllocID: alloc.ID,
    Tags: svc.Tags ?? [], Address: svc.Address !== undefined && svc.Address !== '' ? svc.Address : node.Address, Port: portFor(alloc, svc.PortLabel),
  }));
}

/** Registrations for the group services and every task's services that use the consul provider. */
export function buildRegistrations(alloc: SimAlloc, node: SimNode): ServiceRegistration[] {
  const out: ServiceRegistration[] = [];
  for (const { owner, svc } of servicesOf(alloc)) {
    if ((svc.Provider ?? 'consul') !== 'consul') continue;
    const id = `_nomad-task-${alloc.ID}-${owner}-${svc.Name}-${svc.PortLabel ?? ''}`;
    const address = svc.Address !== undefined && svc.Address !== '' ? svc.Address : node.Address;
    const port = portFor(alloc, svc.PortLabel);
    const checks: Array<Record<string, unknown>> = [];
    const checkRestarts: CheckRestartWatch[] = [];
    for (const c of svc.Checks ?? []) {
      const body = checkBody(alloc, id, svc, c, address, port);
      if (body === undefined) continue;
      checks.push(body);
      const restart = c.CheckRestart ?? (svc as { CheckRestart?: ServiceCheck['CheckRestart'] }).CheckRestart;
      const task = owner.startsWith('group-') ? (c as { TaskName?: string }).TaskName ?? svc.TaskName ?? '' : owner;
      if (restart?.Limit !== undefined && restart.Limit > 0 && task !== '') {
        checkRestarts.push({
          checkId: String(body.CheckID), checkName: String(body.Name), task, limit: restart.Limit,
          graceMs: (restart.Grace ?? 1e9) / 1e6, ignoreWarnings: restart.IgnoreWarnings === true, intervalMs: (c.Interval ?? 10e9) / 1e6,
        });
      }
    }
    out.push({
      id,
      name: svc.Name,
      checkRestarts,
      checkIds: checks.map((c) => String(c.CheckID)),
      body: {
        ID: id, Name: svc.Name, Tags: svc.Tags ?? [], Address: address, Port: port,
        Meta: { ...(svc.Meta ?? {}), external_source: 'nomad' }, Checks: checks,
      },
    });
  }
  return out;
}
