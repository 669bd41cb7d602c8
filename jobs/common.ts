// Pieces every builder shares: the variables all jobs take, durations in
// Nomad's nanoseconds, and the update/restart/check blocks STYLE.md asks for.
import { z } from 'zod';
import { NS_PER_S, type Job, type RestartPolicy, type Service, type ServiceCheck, type UpdateStrategy } from '../agent/nomad/types.js';
import { expertServiceName } from '../agent/consul/expert-prefix.js';
import type { ModelCatalog } from '../agent/models/schema.js';
import { RULES, integerVar, listVar, ruled } from './rules.js';

/** What a builder may consult besides its variables. */
export interface BuildContext {
  readonly catalog?: ModelCatalog;
}

export const seconds = (s: number): number => s * NS_PER_S;

/** Variables every job takes. */
export const commonVars = {
  namespace: ruled(RULES.namespace).default('default').describe('Nomad namespace the job runs in'),
  datacenters: listVar(RULES.datacenter, 1).default(['*']).describe('Nomad datacenters the job may run in'),
};

/** What an expert is good at, for the twin's router: written to its service Meta as `description`. */
export const descriptionVar = ruled(RULES.sentence).optional().describe('what the expert is good at, one sentence; its service Meta `description`, which the twin\'s router reads (else the persona file\'s)');

/** Health timing: long enough for a model to load and to unload. */
export const healthVars = {
  health_grace_s: integerVar(1, 3600).default(300).describe('seconds a task may take to load its model before checks count'),
  kill_timeout_s: integerVar(1, 600).default(60).describe('seconds a task gets to unload before it is killed'),
  check_interval_s: integerVar(1, 300).default(10).describe('seconds between health checks'),
};

export interface HealthTiming {
  readonly health_grace_s: number;
  readonly kill_timeout_s: number;
  readonly check_interval_s: number;
}

/**
 * How long a task with a service stays up after its service is deregistered,
 * so routers and clients that read Consul stop sending before it is killed.
 */
export const SERVICE_SHUTDOWN_DELAY = seconds(5);

/** A rolling update that waits for checks; the deadline allows for the model load. */
export function buildUpdate(timing: HealthTiming): UpdateStrategy {
  return {
    MaxParallel: 1,
    HealthCheck: 'checks',
    MinHealthyTime: seconds(10),
    HealthyDeadline: seconds(timing.health_grace_s + 120),
    ProgressDeadline: seconds(timing.health_grace_s + 600),
    AutoRevert: true,
    Canary: 0,
  };
}

/** Restart a crashed server a few times, then let the scheduler reschedule it. */
export function buildServiceRestart(): RestartPolicy {
  return { Attempts: 3, Interval: seconds(30 * 60), Delay: seconds(15), Mode: 'fail' };
}

export function buildHttpCheck(name: string, portLabel: string, timing: HealthTiming): ServiceCheck {
  return {
    Name: name,
    Type: 'http',
    Path: '/health',
    PortLabel: portLabel,
    Interval: seconds(timing.check_interval_s),
    Timeout: seconds(Math.min(5, timing.check_interval_s)),
    // A model that never answers /health within the grace period is restarted.
    CheckRestart: { Limit: 3, Grace: seconds(timing.health_grace_s), IgnoreWarnings: false },
  };
}

export function buildTcpCheck(name: string, portLabel: string, timing: HealthTiming): ServiceCheck {
  return {
    Name: name,
    Type: 'tcp',
    PortLabel: portLabel,
    Interval: seconds(timing.check_interval_s),
    Timeout: seconds(Math.min(2, timing.check_interval_s)),
  };
}

/**
 * An expert's OpenAI-compatible API on the `http` port, registered in Consul
 * as the expert's service and checked on /health; `engine` is the server
 * (llamacpp, vllm) and `backend` the catalog backend recorded in the meta.
 */
export function buildExpertService(
  v: HealthTiming & { readonly expert: string; readonly model: string; readonly description?: string | undefined },
  engine: string,
  backend: string,
): Service {
  return {
    Name: expertServiceName(v.expert),
    PortLabel: 'http',
    Provider: 'consul',
    Tags: ['openai', engine, `model-${v.model}`],
    Meta: { model: v.model, backend, ...(v.description === undefined ? {} : { description: v.description }) },
    Checks: [buildHttpCheck('api-health', 'http', v)],
  };
}

/** The job envelope every builder fills. */
export function buildJobShell(id: string, type: 'service' | 'batch', vars: { namespace: string; datacenters: string[] }, meta: Record<string, string>): Job {
  return {
    ID: id,
    Name: id,
    Namespace: vars.namespace,
    Type: type,
    Priority: 50,
    Datacenters: vars.datacenters,
    Meta: meta,
    TaskGroups: [],
  };
}

export type VarsOf<S extends z.ZodTypeAny> = z.output<S>;
