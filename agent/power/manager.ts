// The power manager: puts idle power groups to sleep (scale to 0 through
// Nomad), keeps them discoverable and reachable while they sleep (a Consul
// placeholder and an sk_lookup hold), and wakes them on the first SYN the
// traffic monitor reports, holding that connection until the service is
// healthy. Transitions of one power group run one at a time.
import { HearthError, invalidInput } from '../errors.js';
import type { Logger } from '../log.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { startColdStart, type ColdStart, type ColdStartPhase, type ColdStartRecorder } from './cold-start.js';
import { discoverPowerUnits, type RefusedService } from './discovery.js';
import { createHoldServer, type HoldServer } from './hold-server.js';
import { createIdleTracker, type IdleTracker } from './idle-tracker.js';
import { MAX_IDLE_TIMEOUT_MS, MIN_IDLE_TIMEOUT_MS, type PowerUnit } from './policy.js';
import { deregisterPlaceholder, isServiceHealthy, registerPlaceholder } from './placeholder.js';
import type { PowerStateStore } from './power-state.js';
import type { ConsulPort, NomadPort, ServiceCounters, SynEvent, TrafficMonitorPort } from './ports.js';
import { isGroupRunning, waitUntil } from './wait.js';
import { isPortListening } from './listening.js';

/** How long a scaled-down service may take to stop listening before SYN events are turned on anyway. */
const STOP_WAIT_MS = 60_000;

export type PowerState = 'awake' | 'sleeping' | 'waking';

export interface ServiceStatus {
  readonly service: string;
  readonly jobId: string;
  readonly group: string;
  readonly powerGroup: string;
  readonly address: string;
  readonly port: number;
  readonly state: PowerState;
  readonly idleForMs: number;
  readonly idleTimeoutMs: number;
  readonly idleTimeoutSource: 'job meta' | 'operator';
  readonly wakeCount?: number;
  readonly heldConnections: number;
  readonly counters?: ServiceCounters;
  readonly lastColdStart?: ColdStart;
}

export interface PowerOverview {
  readonly services: ServiceStatus[];
  readonly refused: RefusedService[];
}

export interface PowerManager {
  start(): Promise<void>;
  stop(): Promise<void>;
  overview(): PowerOverview;
  status(service: string): ServiceStatus;
  /** Puts the service's whole power group to sleep; resolves once it is at 0 and held. */
  sleep(service: string): Promise<ServiceStatus>;
  /** Wakes the service's whole power group; resolves once it is healthy. */
  wake(service: string): Promise<ServiceStatus>;
  /** Sets (and persists) the service's idle timeout; `source` names where the text came from. */
  setIdleTimeout(service: string, text: unknown, source: string): Promise<ServiceStatus>;
  /** Re-reads the managed jobs from Nomad. */
  refresh(): Promise<void>;
}

export interface PowerMetricsSink {
  observePhase(service: string, phase: ColdStartPhase, seconds: number): void;
}

export interface PowerManagerDeps {
  readonly log: Logger;
  readonly nomad: NomadPort;
  readonly consul: ConsulPort;
  readonly monitor: TrafficMonitorPort;
  readonly store: PowerStateStore;
  readonly node: { readonly name: string; readonly address: string; readonly id?: string };
  readonly holdLimitMs: number;
  /** How often counters are sampled for idleness (a map read, no syscalls per packet). Default 1s. */
  readonly tickMs?: number;
  /** How often managed jobs are re-read from Nomad. Default 15s. */
  readonly refreshMs?: number;
  /** Poll interval while a wake waits for Nomad and Consul. Default 100ms. */
  readonly wakePollMs?: number;
  readonly metrics?: PowerMetricsSink;
}

interface Member {
  unit: PowerUnit;
  state: PowerState;
  readonly tracker: IdleTracker;
  hold: HoldServer | undefined;
  holdFd: number | undefined;
  lastColdStart: ColdStartRecorder | undefined;
}

export function createPowerManager(deps: PowerManagerDeps): PowerManager {
  const log = deps.log.child({ module: 'power' });
  const tickMs = deps.tickMs ?? 1000;
  const refreshMs = deps.refreshMs ?? 15_000;
  const pollMs = deps.wakePollMs ?? 100;
  const members = new Map<string, Member>();
  let refused: RefusedService[] = [];
  /** The transition running for each power group, so a second one waits for it. */
  const running = new Map<string, Promise<unknown>>();
  const waking = new Map<string, Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe: (() => void) | undefined;
  const aborter = new AbortController();
  let stopped = false;

  const groupMembers = (powerGroup: string): Member[] => [...members.values()].filter((m) => m.unit.powerGroup === powerGroup);

  const serialize = <T>(powerGroup: string, work: () => Promise<T>): Promise<T> => {
    const previous = running.get(powerGroup) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    running.set(powerGroup, settled);
    void settled.then(() => {
      if (running.get(powerGroup) === settled) running.delete(powerGroup);
    });
    return next;
  };

  const timeoutOf = (member: Member): { ms: number; source: ServiceStatus['idleTimeoutSource'] } => {
    const override = deps.store.read().services[member.unit.service]?.idleTimeoutMs;
    return override === undefined ? { ms: member.unit.idleTimeoutMs, source: 'job meta' } : { ms: override, source: 'operator' };
  };

  const describe = (member: Member): ServiceStatus => {
    const timeout = timeoutOf(member);
    const record = deps.store.read().services[member.unit.service];
    const counters = deps.monitor.counters().get(member.unit.service);
    const coldStart = member.lastColdStart?.snapshot();
    return {
      service: member.unit.service,
      jobId: member.unit.jobId,
      group: member.unit.group,
      powerGroup: member.unit.powerGroup,
      address: deps.node.address,
      port: member.unit.port,
      state: member.state,
      idleForMs: member.state === 'awake' ? member.tracker.idleForMs(Date.now()) : 0,
      idleTimeoutMs: timeout.ms,
      idleTimeoutSource: timeout.source,
      ...(record?.wakeCount === undefined ? {} : { wakeCount: record.wakeCount }),
      heldConnections: member.hold?.heldCount() ?? 0,
      ...(counters === undefined ? {} : { counters }),
      ...(coldStart === undefined ? {} : { lastColdStart: coldStart }),
    };
  };

  const find = (service: string): Member => {
    const member = members.get(service);
    if (member !== undefined) return member;
    const refusal = refused.find((entry) => entry.service === service);
    if (refusal !== undefined) throw new HearthError('HEARTH_ERR_POWER', `The power manager refuses to manage ${service}: ${refusal.reason}.`, { details: { service } });
    throw new HearthError('HEARTH_ERR_NOT_FOUND', `No power-managed service named ${JSON.stringify(service)} on node ${deps.node.name}.`, {
      details: { service, known: [...members.keys()] },
    });
  };

  const persist = (member: Member, change: Partial<{ state: 'awake' | 'asleep' | 'waking'; wakeCount: number; sleptAt: string }>) =>
    deps.store.update((draft) => {
      const current = draft.services[member.unit.service] ?? { state: 'awake' as const };
      draft.services[member.unit.service] = { ...current, ...change };
    });

  /**
   * Steers new connections to a hold listener and shows the service as asleep in Consul. SYN events are turned on
   * separately (`setSleeping`), once the service is gone: until then its own health checks still connect.
   */
  const arm = async (member: Member): Promise<void> => {
    const service = member.unit.service;
    if (member.hold === undefined) {
      const hold = createHoldServer({
        log,
        limitMs: deps.holdLimitMs,
        ...(member.unit.checkPrefix === undefined ? {} : { checkPrefix: member.unit.checkPrefix }),
        onClient: () => void requestWake(member.unit.powerGroup, process.hrtime.bigint(), 'packet'),
      });
      member.holdFd = await hold.listen();
      member.hold = hold;
    }
    if (member.holdFd !== undefined) await deps.monitor.hold(service, member.holdFd);
    await registerPlaceholder(deps.consul, { service, address: deps.node.address, port: member.unit.port });
  };

  /** Waits (bounded) until the stopped service no longer listens, then reports its SYNs as wake triggers. */
  const reportSynsWhenGone = async (member: Member): Promise<void> => {
    const { service, port } = member.unit;
    try {
      await waitUntil(`${service} to stop listening`, Date.now() + STOP_WAIT_MS, pollMs, async () => !(await isPortListening(deps.node.address, port)), aborter.signal);
    } catch (err) {
      log.warn({ err, service }, 'service still listens after its scale-down; reporting its SYNs anyway');
    }
    await deps.monitor.setSleeping(service, true);
  };

  const disarm = async (member: Member): Promise<void> => {
    await deps.monitor.release(member.unit.service);
    await deps.monitor.setSleeping(member.unit.service, false);
  };

  const sleepGroup = (powerGroup: string, reason: string): Promise<void> =>
    serialize(powerGroup, async () => {
      const group = groupMembers(powerGroup).filter((m) => m.state === 'awake');
      if (group.length === 0) return;
      for (const member of group) {
        const status = await deps.nomad.jobs.scaleStatus(member.unit.jobId);
        const desired = status.TaskGroups[member.unit.group]?.Desired ?? 0;
        const remembered = deps.store.read().services[member.unit.service]?.wakeCount;
        const wakeCount = desired > 0 ? desired : (remembered ?? 1);
        await persist(member, { state: 'asleep', wakeCount, sleptAt: new Date().toISOString() });
        member.state = 'sleeping';
        await arm(member);
      }
      for (const member of group) {
        await deps.nomad.jobs.scale(member.unit.jobId, {
          group: member.unit.group,
          count: 0,
          message: `hearth power: ${reason}`,
          meta: { 'hearth.power': 'asleep' },
        });
        log.info({ service: member.unit.service, jobId: member.unit.jobId, group: member.unit.group, reason }, 'service put to sleep');
      }
      await Promise.all(group.map(reportSynsWhenGone));
    });

  const wakeGroup = (powerGroup: string, startNs: bigint, trigger: ColdStart['trigger']): Promise<void> =>
    serialize(powerGroup, async () => {
      const group = groupMembers(powerGroup).filter((m) => m.state !== 'awake');
      if (group.length === 0) return;
      const recorders = new Map<Member, ColdStartRecorder>();
      for (const member of group) {
        member.state = 'waking';
        const recorder = startColdStart(startNs, trigger, (phase, ms) => deps.metrics?.observePhase(member.unit.service, phase, ms / 1000));
        member.lastColdStart = recorder;
        recorders.set(member, recorder);
      }
      const deadline = Date.now() + deps.holdLimitMs;
      try {
        for (const member of group) {
          const wakeCount = deps.store.read().services[member.unit.service]?.wakeCount ?? 1;
          await deps.nomad.jobs.scale(member.unit.jobId, {
            group: member.unit.group,
            count: wakeCount,
            message: `hearth power: woken by ${trigger}`,
            meta: { 'hearth.power': 'awake' },
          });
          recorders.get(member)?.mark('scale_requested');
          await persist(member, { state: 'waking' });
        }
        await Promise.all(
          group.map(async (member) => {
            const { jobId, group: taskGroup, service } = member.unit;
            const wakeCount = deps.store.read().services[service]?.wakeCount ?? 1;
            const target = { host: deps.node.address, port: member.unit.port };
            await waitUntil(`${service} to run`, deadline, pollMs, () => isGroupRunning(deps.nomad, jobId, taskGroup, wakeCount), aborter.signal);
            recorders.get(member)?.mark('allocation_running');
            // Release the steering as soon as the service listens: its health checks must reach it, not the agent.
            // Clients held so far stay held until it is healthy; new ones reach it directly.
            await waitUntil(`${service} to listen on ${target.host}:${target.port}`, deadline, pollMs, () => isPortListening(target.host, target.port), aborter.signal);
            await disarm(member);
            member.hold?.relayChecks(target);
            await waitUntil(`${service} to pass its health check`, deadline, pollMs, () => isServiceHealthy(deps.consul, service), aborter.signal);
            recorders.get(member)?.mark('healthy');
          }),
        );
        for (const member of group) {
          member.state = 'awake';
          member.tracker.touch(Date.now());
        }
        for (const member of group) {
          const recorder = recorders.get(member);
          const hold = member.hold;
          hold?.relay({ host: deps.node.address, port: member.unit.port }, () => recorder?.mark('first_byte'));
          await deregisterPlaceholder(deps.consul, member.unit.service);
          await persist(member, { state: 'awake' });
          if (hold !== undefined) {
            member.hold = undefined;
            member.holdFd = undefined;
            // Connections already queued on the listener are accepted (and relayed) before it closes.
            setTimeout(() => void hold.close(), 1000).unref();
          }
          log.info({ service: member.unit.service, phasesMs: recorder?.snapshot().phasesMs }, 'service woken');
        }
      } catch (err) {
        for (const member of group) {
          recorders.get(member)?.fail((err as Error).message);
          member.hold?.failAll((err as Error).message);
          // Steer again (the next connection retries the wake); a no-op when the steering was never released.
          if (member.hold !== undefined && !aborter.signal.aborted) await arm(member).catch(() => undefined);
          member.state = 'sleeping';
          await persist(member, { state: 'asleep' }).catch(() => undefined);
        }
        log.error({ err, powerGroup }, 'wake failed; the group stays held and wakes again on the next connection');
        throw err;
      }
    });

  /** Starts a wake unless one is under way; failures are logged by wakeGroup. */
  const requestWake = (powerGroup: string, startNs: bigint, trigger: ColdStart['trigger']): Promise<void> => {
    const existing = waking.get(powerGroup);
    if (existing !== undefined) return existing;
    const attempt = wakeGroup(powerGroup, startNs, trigger).finally(() => waking.delete(powerGroup));
    waking.set(powerGroup, attempt);
    attempt.catch(() => undefined);
    return attempt;
  };

  const onSyn = (event: SynEvent): void => {
    const member = members.get(event.serviceId);
    if (member === undefined || member.state === 'awake' || stopped) return;
    const startNs = typeof event.timestampNs === 'bigint' ? event.timestampNs : BigInt(Math.trunc(event.timestampNs));
    if (member.state === 'waking') {
      for (const peer of groupMembers(member.unit.powerGroup)) peer.lastColdStart?.offerStart(startNs);
      return;
    }
    void requestWake(member.unit.powerGroup, startNs, 'packet');
  };

  const tick = (): void => {
    const now = Date.now();
    const counters = deps.monitor.counters();
    for (const member of members.values()) {
      if (member.state === 'awake') member.tracker.observe(counters.get(member.unit.service), now);
    }
    const groups = new Set([...members.values()].map((m) => m.unit.powerGroup));
    for (const powerGroup of groups) {
      if (running.has(powerGroup)) continue;
      const group = groupMembers(powerGroup);
      const idle = group.every((m) => m.state === 'awake' && m.tracker.idleForMs(now) >= timeoutOf(m).ms);
      if (idle) {
        sleepGroup(powerGroup, 'idle').catch((err: unknown) => log.error({ err, powerGroup }, 'sleep failed'));
      }
    }
  };

  /** Brings a newly discovered unit in line with Nomad and the state file (also what runs after a restart). */
  const adopt = async (unit: PowerUnit): Promise<void> => {
    // Everything that can fail (Nomad away, a slow answer) happens before the service joins `members`: a failed
    // adoption leaves nothing behind, and the next refresh tries again instead of taking it as awake at count 0.
    const record = deps.store.read().services[unit.service];
    const status = await deps.nomad.jobs.scaleStatus(unit.jobId);
    const groupStatus = status.TaskGroups[unit.group];
    const desired = groupStatus?.Desired ?? 0;
    await deps.monitor.watch({
      id: unit.service,
      address: deps.node.address,
      port: unit.port,
      protocol: 'tcp',
      ...(unit.checkPrefix === undefined ? {} : { checkPrefix: unit.checkPrefix }),
    });
    const member: Member = {
      unit,
      state: desired > 0 ? 'awake' : 'sleeping',
      tracker: createIdleTracker(Date.now()),
      hold: undefined,
      holdFd: undefined,
      lastColdStart: undefined,
    };
    members.set(unit.service, member);
    if (desired > 0) {
      if (record !== undefined && record.state !== 'awake') {
        await deregisterPlaceholder(deps.consul, unit.service);
        await persist(member, { state: 'awake' });
        log.info({ service: unit.service, desired }, 'service recorded asleep is running; taken as awake');
      }
      return;
    }
    if (record === undefined || record.state === 'awake') {
      // A managed job at 0 the state file does not know (or believed awake): power management owns its count, so it
      // is taken as asleep and re-armed rather than left at 0 with nobody watching it. It wakes to the count it had
      // before its last scale-down, or 1.
      const previous = [...(groupStatus?.Events ?? [])].reverse().find((event) => event.PreviousCount > 0)?.PreviousCount;
      await persist(member, { state: 'asleep', wakeCount: record?.wakeCount ?? previous ?? 1, sleptAt: new Date().toISOString() });
      log.warn({ service: unit.service }, 'managed service found at count 0 without a sleep record; adopted as asleep');
    }
    await arm(member);
    await deps.monitor.setSleeping(unit.service, true);
    log.info({ service: unit.service }, 'sleeping service re-armed');
  };

  const refresh = async (): Promise<void> => {
    const found = await discoverPowerUnits(deps.nomad, deps.node);
    refused = found.refused;
    for (const refusal of found.refused) log.warn({ service: refusal.service, reason: refusal.reason }, 'power management refused');
    for (const unit of found.units) {
      const known = members.get(unit.service);
      if (known === undefined) {
        await adopt(unit).catch((err: unknown) => log.error({ err, service: unit.service }, 'could not adopt managed service'));
      } else {
        known.unit = unit;
      }
    }
    const present = new Set(found.units.map((unit) => unit.service));
    for (const [service, member] of members) {
      if (present.has(service) || member.state !== 'awake') continue;
      members.delete(service);
      await deps.monitor.unwatch(service);
    }
  };

  return {
    async start() {
      unsubscribe = deps.monitor.onSyn(onSyn);
      // Nomad may be away when the agent starts: the periodic refresh adopts (and re-arms) the services once it is back.
      await refresh().catch((err: unknown) => log.warn({ err }, 'could not read the managed jobs; retrying'));
      timers.push(setInterval(tick, tickMs));
      timers.push(
        setInterval(() => {
          refresh().catch((err: unknown) => log.warn({ err }, 'could not refresh managed jobs'));
        }, refreshMs),
      );
      for (const timer of timers) timer.unref();
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      timers.length = 0;
      unsubscribe?.();
      aborter.abort();
      await Promise.allSettled([...running.values()]);
      for (const member of members.values()) {
        if (member.hold !== undefined) {
          await Promise.resolve(deps.monitor.release(member.unit.service)).catch(() => undefined);
          await member.hold.close();
          member.hold = undefined;
          member.holdFd = undefined;
        }
        await Promise.resolve(deps.monitor.unwatch(member.unit.service)).catch(() => undefined);
      }
      members.clear();
    },
    overview: () => ({ services: [...members.values()].map(describe), refused: [...refused] }),
    status: (service) => describe(find(service)),
    async sleep(service) {
      const member = find(service);
      await sleepGroup(member.unit.powerGroup, 'requested by an operator');
      return describe(member);
    },
    async wake(service) {
      const member = find(service);
      await requestWake(member.unit.powerGroup, process.hrtime.bigint(), 'operator');
      return describe(member);
    },
    async setIdleTimeout(service, text, source) {
      const ms = typeof text === 'string' ? parseDuration(text) : undefined;
      if (ms === undefined || ms < MIN_IDLE_TIMEOUT_MS || ms > MAX_IDLE_TIMEOUT_MS) {
        throw invalidInput('timeout', `a duration from ${formatDuration(MIN_IDLE_TIMEOUT_MS)} to 168h such as "10m"`, text, source);
      }
      const member = find(service);
      await deps.store.update((draft) => {
        const current = draft.services[service] ?? { state: member.state === 'sleeping' ? ('asleep' as const) : member.state };
        draft.services[service] = { ...current, idleTimeoutMs: ms };
      });
      log.info({ service, idleTimeoutMs: ms }, 'idle timeout set');
      return describe(member);
    },
    refresh,
  };
}
