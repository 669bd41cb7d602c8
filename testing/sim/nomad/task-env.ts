// The environment Nomad gives a task (NOMAD_* variables, ports, meta) and
// `${...}` interpolation of env names and node attributes.
import type { Job, Task } from '../../../agent/nomad/types.js';
import { lookupNodeVar } from './constraints.js';
import type { SimAlloc, SimNode } from './model.js';

export interface TaskPaths {
  readonly allocDir: string;
  readonly taskDir: string;
  readonly secretsDir: string;
  readonly localDir: string;
}

export function envKey(label: string): string {
  return label.replace(/[^A-Za-z0-9_]/g, '_');
}

export function buildTaskEnv(alloc: SimAlloc, job: Job, task: Task, node: SimNode, paths: TaskPaths, region: string): Record<string, string> {
  const group = job.TaskGroups.find((g) => g.Name === alloc.TaskGroup);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: paths.taskDir,
    NOMAD_ALLOC_DIR: paths.allocDir,
    NOMAD_TASK_DIR: paths.localDir,
    NOMAD_SECRETS_DIR: paths.secretsDir,
    NOMAD_ALLOC_ID: alloc.ID,
    NOMAD_SHORT_ALLOC_ID: alloc.ID.slice(0, 8),
    NOMAD_ALLOC_NAME: alloc.Name,
    NOMAD_ALLOC_INDEX: String(alloc.index),
    NOMAD_JOB_ID: job.ID,
    NOMAD_JOB_NAME: job.Name ?? job.ID,
    NOMAD_JOB_PARENT_ID: '',
    NOMAD_GROUP_NAME: alloc.TaskGroup,
    NOMAD_TASK_NAME: task.Name,
    NOMAD_NAMESPACE: job.Namespace ?? 'default',
    NOMAD_REGION: region,
    NOMAD_DC: node.Datacenter,
    NOMAD_CPU_LIMIT: String(task.Resources?.CPU ?? 100),
    NOMAD_MEMORY_LIMIT: String(task.Resources?.MemoryMB ?? 300),
  };
  for (const p of alloc.ports) {
    const l = envKey(p.Label);
    const inner = p.To > 0 ? p.To : p.Value;
    env[`NOMAD_PORT_${l}`] = String(inner);
    env[`NOMAD_HOST_PORT_${l}`] = String(p.Value);
    env[`NOMAD_IP_${l}`] = p.HostIP;
    env[`NOMAD_HOST_IP_${l}`] = p.HostIP;
    env[`NOMAD_ADDR_${l}`] = `${p.HostIP}:${inner}`;
    env[`NOMAD_HOST_ADDR_${l}`] = `${p.HostIP}:${p.Value}`;
    env[`NOMAD_ALLOC_PORT_${l}`] = String(inner);
  }
  const meta = { ...(job.Meta ?? {}), ...(group?.Meta ?? {}), ...(task.Meta ?? {}) };
  for (const [k, v] of Object.entries(meta)) {
    env[`NOMAD_META_${envKey(k)}`] = v;
    env[`NOMAD_META_${envKey(k).toUpperCase()}`] = v;
  }
  for (const [k, v] of Object.entries(task.Env ?? {})) env[k] = interpolate(v, env, node);
  return env;
}

/** Replaces `${NAME}`, `${attr.x}`, `${node.x}`, `${meta.x}`, `${env["X"]}`; unknown names stay as written. */
export function interpolate(text: string, env: Readonly<Record<string, string>>, node: SimNode): string {
  return text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    const trimmed = name.trim();
    const envRef = /^env\["([^"]+)"\]$/.exec(trimmed);
    if (envRef !== null) return env[envRef[1] ?? ''] ?? whole;
    if (trimmed in env) return env[trimmed] ?? whole;
    return lookupNodeVar(trimmed, node) ?? whole;
  });
}

/** Interpolates every string inside a driver config. */
export function interpolateConfig(value: unknown, env: Readonly<Record<string, string>>, node: SimNode): unknown {
  if (typeof value === 'string') return interpolate(value, env, node);
  if (Array.isArray(value)) return value.map((v) => interpolateConfig(v, env, node));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateConfig(v, env, node)]));
  }
  return value;
}
