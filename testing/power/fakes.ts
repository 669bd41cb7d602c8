// Stand-ins for the traffic monitor, Nomad and Consul that follow the contracts
// in agent/power/ports.ts, for the power manager's unit tests. The "service" is
// a real TCP server on 127.0.0.1 that the fake Nomad starts and stops.
import { readFileSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { HearthError, HttpApiError } from '../../agent/errors.js';
import type { AllocationListStub, Job, JobScaleStatus } from '../../agent/nomad/types.js';
import type { ConsulPort, ConsulServiceRegistration, NomadPort, ServiceCounters, SynEvent, TrafficMonitorPort } from '../../agent/power/ports.js';

export interface FakeMonitor extends TrafficMonitorPort {
  setCounters(id: string, counters: Partial<ServiceCounters>): void;
  emitSyn(id: string): void;
  readonly held: Map<string, number>;
  readonly sleeping: Set<string>;
  readonly watched: Set<string>;
}

export function createFakeMonitor(): FakeMonitor {
  const counters = new Map<string, ServiceCounters>();
  const listeners = new Set<(event: SynEvent) => void>();
  const held = new Map<string, number>();
  const sleeping = new Set<string>();
  const watched = new Set<string>();
  // As the kernel monitor's adapter refuses a service it does not watch.
  const mustWatch = (id: string): void => {
    if (!watched.has(id)) throw new HearthError('HEARTH_ERR_NOT_FOUND', `The traffic monitor does not watch ${JSON.stringify(id)}.`, { details: { service: id } });
  };
  const zero: ServiceCounters = { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0, activityBytes: 0, openConnections: 0, checkConnections: 0, lastActivityNs: 0 };
  return {
    held,
    sleeping,
    watched,
    watch: (spec) => {
      watched.add(spec.id);
      counters.set(spec.id, { ...zero });
    },
    unwatch: (id) => {
      watched.delete(id);
      counters.delete(id);
    },
    counters: (only) => new Map([...counters].filter(([id]) => only === undefined || only.includes(id))),
    setSleeping: (id, value) => {
      mustWatch(id);
      if (value) sleeping.add(id);
      else sleeping.delete(id);
    },
    onSyn(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    hold: (id, fd) => {
      mustWatch(id);
      held.set(id, fd);
    },
    release: (id) => {
      held.delete(id);
    },
    setCounters(id, update) {
      counters.set(id, { ...(counters.get(id) ?? zero), ...update });
    },
    emitSyn(id) {
      const event: SynEvent = { serviceId: id, srcAddress: '127.0.0.1', srcPort: 40000, dstAddress: '127.0.0.1', dstPort: 1, timestampNs: process.hrtime.bigint() };
      for (const listener of listeners) listener(event);
    },
  };
}

/** The TCP port a listening socket fd of this process is bound to (what sk_lookup would steer to). */
export function portOfListeningFd(fd: number): number {
  const inode = /socket:\[(\d+)\]/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[9] === inode) return parseInt(fields[1]?.split(':')[1] ?? '0', 16);
    }
  }
  throw new Error(`no socket for fd ${fd}`);
}

export interface FakeJob {
  readonly job: Job;
  count: number;
  /** Reply sent by the service to any bytes it receives. */
  readonly startDelayMs: number;
}

export interface FakeCluster {
  readonly nomad: NomadPort;
  readonly consul: ConsulPort;
  readonly registrations: Map<string, ConsulServiceRegistration>;
  readonly scaleCalls: Array<{ jobId: string; group: string; count: number }>;
  /** Count changes made through a job register (what a deployment forces). */
  readonly registerCalls: Array<{ jobId: string; count: number; jobModifyIndex: number }>;
  /**
   * While on, a count change through the scale endpoint is refused as Nomad refuses it during an active
   * deployment (400 "job scaling blocked due to active deployment"); a register still goes through.
   */
  setDeploymentActive(jobId: string, active: boolean): void;
  /** The next `times` count changes of the job (scale or register) fail with `err`. */
  failScale(jobId: string, err: Error, times?: number): void;
  addJob(job: Job, options: { port: number; host?: string; startDelayMs?: number }): Promise<void>;
  isRunning(jobId: string): boolean;
  /** The port the job's service listens on when it runs. */
  portOf(jobId: string): number;
  /** Whether Consul reports the running service passing (default true). */
  setHealthy(jobId: string, healthy: boolean): void;
  close(): Promise<void>;
}

/** A cluster where each job is one group running an echo-ish TCP server ("hello:" + what it got) on 127.0.0.1:port. */
export function createFakeCluster(): FakeCluster {
  const jobs = new Map<string, { job: Job; count: number; port: number; host: string; startDelayMs: number; server?: Server; events: JobScaleStatus['TaskGroups'][string]['Events'] }>();
  const registrations = new Map<string, ConsulServiceRegistration>();
  const scaleCalls: FakeCluster['scaleCalls'] = [];
  const registerCalls: FakeCluster['registerCalls'] = [];
  const deployments = new Set<string>();
  const failures = new Map<string, { err: Error; times: number }>();
  let modifyIndex = 10;
  const unhealthy = new Set<string>();

  const injectedFailure = (id: string): void => {
    const failure = failures.get(id);
    if (failure === undefined) return;
    failure.times -= 1;
    if (failure.times <= 0) failures.delete(id);
    throw failure.err;
  };

  const startServer = (entry: { port: number; host: string; server?: Server }) =>
    new Promise<void>((resolve, reject) => {
      const server = createServer((socket) => {
        socket.on('data', (data) => socket.end(`hello:${data.toString()}`));
        socket.on('error', () => undefined);
      });
      server.once('error', reject);
      server.listen(entry.port, entry.host, () => {
        entry.server = server;
        resolve();
      });
    });

  const stopServer = (entry: { server?: Server }) =>
    new Promise<void>((resolve) => {
      const server = entry.server;
      delete entry.server;
      if (server === undefined) return resolve();
      server.close(() => resolve());
    });

  const setCount = async (entry: { count: number; port: number; host: string; startDelayMs: number; server?: Server }, count: number) => {
    modifyIndex += 1;
    const previous = entry.count;
    entry.count = count;
    if (count === 0) await stopServer(entry);
    else if (previous === 0 && entry.server === undefined) setTimeout(() => void startServer(entry), entry.startDelayMs);
  };

  const get = (id: string) => {
    const entry = jobs.get(id);
    if (entry === undefined) throw Object.assign(new Error(`job ${id} not found`), { status: 404 });
    return entry;
  };

  const nomad: NomadPort = {
    jobs: {
      list: async () => [...jobs.keys()].map((ID) => ({ ID })),
      read: async (id) => {
        const entry = get(id);
        return structuredClone({ ...entry.job, JobModifyIndex: modifyIndex, TaskGroups: entry.job.TaskGroups.map((g) => ({ ...g, Count: entry.count })) });
      },
      scaleStatus: async (id) => {
        const entry = get(id);
        const group = entry.job.TaskGroups[0]?.Name ?? 'app';
        return {
          JobID: id,
          Namespace: 'default',
          JobCreateIndex: 1,
          JobModifyIndex: 1,
          JobStopped: false,
          TaskGroups: { [group]: { Desired: entry.count, Placed: entry.count, Running: entry.server ? entry.count : 0, Healthy: 0, Unhealthy: 0, Events: entry.events ?? null } },
        };
      },
      scale: async (id, request) => {
        const entry = get(id);
        (entry.events ??= []).push({ Count: request.count, PreviousCount: entry.count, Message: request.message, Error: false, Meta: null, EvalID: null, Time: Date.now(), CreateIndex: 1 });
        if (request.count === null) return {};
        injectedFailure(id);
        if (deployments.has(id)) throw new HttpApiError('HEARTH_ERR_NOMAD_HTTP', { service: 'nomad', status: 400, body: 'job scaling blocked due to active deployment', method: 'POST', url: `/v1/job/${id}/scale` });
        scaleCalls.push({ jobId: id, group: request.group, count: request.count });
        await setCount(entry, request.count);
        return {};
      },
      register: async (job, options) => {
        const entry = get(job.ID);
        injectedFailure(job.ID);
        if (options.jobModifyIndex !== modifyIndex) {
          throw new HttpApiError('HEARTH_ERR_NOMAD_HTTP', { service: 'nomad', status: 500, body: `Enforcing job modify index ${options.jobModifyIndex}: job exists with conflicting job modify index: ${modifyIndex}`, method: 'PUT', url: '/v1/jobs' });
        }
        const count = job.TaskGroups[0]?.Count ?? 0;
        registerCalls.push({ jobId: job.ID, count, jobModifyIndex: options.jobModifyIndex });
        await setCount(entry, count);
        return {};
      },
      allocations: async (id) => {
        const entry = get(id);
        if (entry.server === undefined) return [];
        const group = entry.job.TaskGroups[0]?.Name ?? 'app';
        return Array.from({ length: entry.count }, () => ({ TaskGroup: group, DesiredStatus: 'run', ClientStatus: 'running' }) as AllocationListStub);
      },
    },
  };

  const consul: ConsulPort = {
    registerService: async (registration) => {
      registrations.set(registration.ID, registration);
    },
    deregisterService: async (id) => {
      if (!registrations.delete(id)) throw Object.assign(new Error('unknown service'), { status: 404 });
    },
    healthService: async (name) => {
      const entries = [...registrations.values()]
        .filter((registration) => registration.Name === name)
        .map((registration) => ({ Service: { ID: registration.ID, Service: name, Meta: registration.Meta }, Checks: [] }));
      for (const [jobId, entry] of jobs) {
        const service = entry.job.TaskGroups[0]?.Services?.[0]?.Name;
        if (service === name && entry.server !== undefined && !unhealthy.has(jobId)) {
          entries.push({ Service: { ID: `_nomad-${jobId}`, Service: name, Meta: {} }, Checks: [{ Status: 'passing' }] } as never);
        }
      }
      return entries;
    },
  };

  return {
    nomad,
    consul,
    registrations,
    scaleCalls,
    registerCalls,
    setDeploymentActive(jobId, active) {
      if (active) deployments.add(jobId);
      else deployments.delete(jobId);
    },
    failScale(jobId, err, times = 1) {
      failures.set(jobId, { err, times });
    },
    async addJob(job, options) {
      const count = job.TaskGroups[0]?.Count ?? 1;
      const entry = { job, count, port: options.port, host: options.host ?? '127.0.0.1', startDelayMs: options.startDelayMs ?? 50, events: null };
      jobs.set(job.ID, entry);
      if (count > 0) await startServer(entry);
    },
    isRunning: (id) => get(id).server !== undefined,
    portOf: (id) => get(id).port,
    setHealthy(id, healthy) {
      if (healthy) unhealthy.delete(id);
      else unhealthy.add(id);
    },
    async close() {
      for (const entry of jobs.values()) await stopServer(entry);
    },
  };
}

/** A managed job pinned to `node` with a static port. */
export function managedJob(id: string, options: { port: number; node?: string; idle?: string; powerGroup?: string; count?: number; checkType?: 'tcp' | 'script' }): Job {
  return {
    ID: id,
    Meta: { 'hearth.power': 'managed', 'hearth.idle_timeout': options.idle ?? '2s', ...(options.powerGroup === undefined ? {} : { 'hearth.power_group': options.powerGroup }) },
    Constraints: [{ LTarget: '${node.unique.name}', Operand: '=', RTarget: options.node ?? 'node-1' }],
    TaskGroups: [
      {
        Name: 'app',
        Count: options.count ?? 1,
        Networks: [{ ReservedPorts: [{ Label: 'http', Value: options.port }] }],
        Services: [{ Name: id, PortLabel: 'http', Checks: [{ Type: options.checkType ?? 'tcp', Interval: 1e9, Timeout: 1e9 }] }],
        Tasks: [{ Name: 'server', Driver: 'raw_exec', Config: {} }],
      },
    ],
  };
}
