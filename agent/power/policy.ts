// Which Nomad task groups the power manager may sleep, read from job and group
// Meta (group values override the job's):
//
//   hearth.power        = "managed"   opt in; anything else (or nothing) leaves the group alone
//   hearth.idle_timeout = "5m"        Go duration, 1s..7d; default 5m
//   hearth.power_group  = "llama"     groups sharing a name sleep and wake together; default: the service's own name
//
// A managed group must be woken at the same address it slept at, because a
// router still has that address and the first packet is what wakes it: it
// needs a static (reserved) port and a constraint pinning it to one node.
// Anything else is refused with the rule it breaks.
import { probeChecksOf, type ProbeCheck } from './readiness.js';
import type { Constraint, Job, Port, Service, ServiceCheck, TaskGroup } from '../nomad/types.js';
import { parseDuration } from '../util/duration.js';

export const META_POWER = 'hearth.power';
export const META_IDLE_TIMEOUT = 'hearth.idle_timeout';
export const META_POWER_GROUP = 'hearth.power_group';

export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
export const MIN_IDLE_TIMEOUT_MS = 1000;
export const MAX_IDLE_TIMEOUT_MS = 7 * 86_400_000;

/** Constraint targets that pin a group to one node. */
const NODE_TARGETS = ['${node.unique.name}', '${attr.unique.hostname}', '${node.unique.id}'];
const EQUALITY = ['=', '==', 'is'];

export interface PowerUnit {
  /** The Consul service name; the name the API and the CLI use. */
  readonly service: string;
  readonly jobId: string;
  readonly group: string;
  readonly powerGroup: string;
  readonly idleTimeoutMs: number;
  /** The node the group is pinned to (the constraint's RTarget). */
  readonly node: string;
  readonly port: number;
  /** The first bytes of the service's HTTP health check request, so the monitor can tell checks from traffic. */
  readonly checkPrefix?: string;
  /** The service's checks hearth can run itself while it wakes; absent when one is of a kind it cannot run. */
  readonly probeChecks?: readonly ProbeCheck[];
}

export type PolicyVerdict =
  | { readonly kind: 'managed'; readonly unit: PowerUnit }
  | { readonly kind: 'refused'; readonly service: string; readonly jobId: string; readonly group: string; readonly reason: string };

/** The verdict for every task group of `job` that asks for power management. */
export function readPowerPolicy(job: Job): PolicyVerdict[] {
  const verdicts: PolicyVerdict[] = [];
  for (const group of job.TaskGroups) {
    const meta = { ...(job.Meta ?? {}), ...(group.Meta ?? {}) };
    if (meta[META_POWER] !== 'managed') continue;
    verdicts.push(judgeGroup(job, group, meta));
  }
  return verdicts;
}

function judgeGroup(job: Job, group: TaskGroup, meta: Record<string, string>): PolicyVerdict {
  const service = findService(group);
  const name = service?.Name ?? `${job.ID}-${group.Name}`;
  const refuse = (reason: string): PolicyVerdict => ({ kind: 'refused', service: name, jobId: job.ID, group: group.Name, reason });
  const where = `job "${job.ID}" group "${group.Name}"`;

  if (service === undefined) return refuse(`${where} asks for power management but registers no service to be woken through`);
  const port = findStaticPort(group, service);
  if (port === undefined) {
    return refuse(
      `${where} asks for power management but has no static port: a sleeping service must wake at the same address, so give its service port a ReservedPorts entry (static = N)`,
    );
  }
  const node = findPinnedNode([...(job.Constraints ?? []), ...(group.Constraints ?? [])]);
  if (node === undefined) {
    return refuse(
      `${where} asks for power management but is not pinned to one node: add a constraint \${node.unique.name} = "<node>" so it wakes at the same address`,
    );
  }
  const timeoutText = meta[META_IDLE_TIMEOUT];
  const idleTimeoutMs = timeoutText === undefined ? DEFAULT_IDLE_TIMEOUT_MS : parseDuration(timeoutText);
  if (idleTimeoutMs === undefined || idleTimeoutMs < MIN_IDLE_TIMEOUT_MS || idleTimeoutMs > MAX_IDLE_TIMEOUT_MS) {
    return refuse(`${where} has ${META_IDLE_TIMEOUT} = ${JSON.stringify(timeoutText)}; expected a duration from 1s to 168h such as "5m"`);
  }
  const powerGroup = meta[META_POWER_GROUP] ?? name;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(powerGroup)) {
    return refuse(`${where} has ${META_POWER_GROUP} = ${JSON.stringify(powerGroup)}; expected letters, digits, ".", "_" or "-"`);
  }
  const checkPrefix = findCheckPrefix(service);
  const probeChecks = probeChecksOf(service.Checks);
  return {
    kind: 'managed',
    unit: {
      service: name,
      jobId: job.ID,
      group: group.Name,
      powerGroup,
      idleTimeoutMs,
      node,
      port,
      ...(checkPrefix === undefined ? {} : { checkPrefix }),
      ...(probeChecks === undefined ? {} : { probeChecks }),
    },
  };
}

function findService(group: TaskGroup): Service | undefined {
  return group.Services?.[0] ?? group.Tasks.flatMap((task) => task.Services ?? [])[0];
}

function findStaticPort(group: TaskGroup, service: Service): number | undefined {
  const reserved: Port[] = (group.Networks ?? []).flatMap((network) => network.ReservedPorts ?? []);
  const label = service.PortLabel;
  const match = label === undefined ? (reserved.length === 1 ? reserved[0] : undefined) : reserved.find((port) => port.Label === label);
  const value = match?.Value;
  return value !== undefined && Number.isInteger(value) && value > 0 && value <= 65535 ? value : undefined;
}

function findPinnedNode(constraints: Constraint[]): string | undefined {
  const pin = constraints.find(
    (constraint) =>
      NODE_TARGETS.includes(constraint.LTarget ?? '') && EQUALITY.includes(constraint.Operand) && (constraint.RTarget ?? '') !== '',
  );
  return pin?.RTarget;
}

function findCheckPrefix(service: Service): string | undefined {
  const check: ServiceCheck | undefined = (service.Checks ?? []).find((candidate) => candidate.Type === 'http');
  if (check === undefined) return undefined;
  // Nomad reads back an unset method as "" and an unset path as "": Consul then sends GET /.
  const method = check.Method === undefined || check.Method === '' ? 'GET' : check.Method.toUpperCase();
  return `${method} ${check.Path === undefined || check.Path === '' ? '/' : check.Path}`;
}
