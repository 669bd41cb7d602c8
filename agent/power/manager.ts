// The power manager: puts idle power groups to sleep (scale to 0 through
// Nomad), keeps them discoverable and reachable while they sleep (a Consul
// placeholder and an sk_lookup hold), and wakes them on the first SYN the
// traffic monitor reports, holding that connection until the service is
// healthy. This file composes the parts (transitions.ts, steering.ts,
// adoption.ts, idle-loop.ts) and answers the operator; it decides nothing itself.
import { HearthError, invalidInput } from '../errors.js';
import { formatDuration, parseDuration } from '../util/duration.js';
import { systemClock, type TimerHandle } from './clock.js';
import { createAdoption } from './adoption.js';
import type { PowerContext, PowerManagerDeps } from './context.js';
import { createIdleTick } from './idle-loop.js';
import type { Member } from './member.js';
import { MAX_IDLE_TIMEOUT_MS, MIN_IDLE_TIMEOUT_MS } from './policy.js';
import type { SynEvent } from './ports.js';
import type { PowerOverview, ServiceStatus } from './status.js';
import { createSteering } from './steering.js';
import { createTransitions } from './transitions.js';

export type { PowerManagerDeps, PowerMetricsSink } from './context.js';
export type { PowerOverview, PowerState, ServiceStatus, TransitionError } from './status.js';

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

export function createPowerManager(deps: PowerManagerDeps): PowerManager {
  const log = deps.log.child({ module: 'power' });
  const clock = deps.clock ?? systemClock;
  const members = new Map<string, Member>();
  const aborter = new AbortController();
  const timers: TimerHandle[] = [];
  let unsubscribe: (() => void) | undefined;
  let stopped = false;

  const timeoutOf = (member: Member): { ms: number; source: ServiceStatus['idleTimeoutSource'] } => {
    const override = deps.store.view().services[member.unit.service]?.idleTimeoutMs;
    return override === undefined ? { ms: member.unit.idleTimeoutMs, source: 'job meta' } : { ms: override, source: 'operator' };
  };

  const describe = (member: Member, all = deps.monitor.counters([member.unit.service])): ServiceStatus => {
    const timeout = timeoutOf(member);
    const record = deps.store.view().services[member.unit.service];
    const counters = all.get(member.unit.service);
    const coldStart = member.lastColdStart?.snapshot();
    return {
      service: member.unit.service,
      jobId: member.unit.jobId,
      group: member.unit.group,
      powerGroup: member.unit.powerGroup,
      address: deps.node.address,
      port: member.unit.port,
      state: member.state,
      idleForMs: member.state === 'awake' ? member.tracker.idleForMs(clock.now()) : 0,
      idleTimeoutMs: timeout.ms,
      idleTimeoutSource: timeout.source,
      ...(record?.wakeCount === undefined ? {} : { wakeCount: record.wakeCount }),
      heldConnections: member.hold?.heldCount() ?? 0,
      ...(counters === undefined ? {} : { counters }),
      ...(coldStart === undefined ? {} : { lastColdStart: coldStart }),
      ...(member.lastError === undefined ? {} : { lastError: member.lastError }),
    };
  };

  const changed = (member: Member): void => {
    if (deps.onChange === undefined) return;
    try {
      deps.onChange(describe(member));
    } catch (err) {
      log.warn({ err, service: member.unit.service }, 'power change listener failed');
    }
  };

  const ctx: PowerContext = {
    deps,
    log,
    clock,
    pollMs: deps.wakePollMs ?? 100,
    signal: aborter.signal,
    members,
    inGroup: (powerGroup) => [...members.values()].filter((m) => m.unit.powerGroup === powerGroup),
    persist: (member, change) =>
      deps.store.update((draft) => {
        const current = draft.services[member.unit.service] ?? { state: 'awake' as const };
        draft.services[member.unit.service] = { ...current, ...change };
      }),
    setState(member, state) {
      if (member.state === state) return;
      member.state = state;
      changed(member);
    },
    recordFailure(member, action, err) {
      member.lastError = { action, at: new Date(clock.now()).toISOString(), message: (err as Error).message };
      deps.metrics?.countFailure(member.unit.service, action);
      changed(member);
    },
    changed,
    requestWake: (powerGroup, startNs, trigger) => transitions.requestWake(powerGroup, startNs, trigger),
  };
  const steering = createSteering(ctx);
  const transitions = createTransitions(ctx, steering);
  const adoption = createAdoption(ctx, steering);
  const tick = createIdleTick(ctx, {
    timeoutOf: (member) => timeoutOf(member).ms,
    busy: transitions.busy,
    sleepGroup: transitions.sleepGroup,
  });

  const find = (service: string): Member => {
    const member = members.get(service);
    if (member !== undefined) return member;
    const refusal = adoption.refused().find((entry) => entry.service === service);
    if (refusal !== undefined) throw new HearthError('HEARTH_ERR_POWER', `The power manager refuses to manage ${service}: ${refusal.reason}.`, { details: { service } });
    throw new HearthError('HEARTH_ERR_NOT_FOUND', `No power-managed service named ${JSON.stringify(service)} on node ${deps.node.name}.`, {
      details: { service, known: [...members.keys()] },
    });
  };

  const onSyn = (event: SynEvent): void => {
    const member = members.get(event.serviceId);
    if (member === undefined || member.state === 'awake' || stopped) return;
    const startNs = typeof event.timestampNs === 'bigint' ? event.timestampNs : BigInt(Math.trunc(event.timestampNs));
    if (member.state === 'waking') {
      for (const peer of ctx.inGroup(member.unit.powerGroup)) peer.lastColdStart?.offerStart(startNs);
      return;
    }
    void transitions.requestWake(member.unit.powerGroup, startNs, 'packet');
  };

  return {
    async start() {
      unsubscribe = deps.monitor.onSyn(onSyn);
      // Nomad may be away when the agent starts: the periodic refresh adopts (and steers) the services once it is back.
      await adoption.refresh().catch((err: unknown) => log.warn({ err }, 'could not read the managed jobs; retrying'));
      timers.push(clock.setInterval(tick, deps.tickMs ?? 1000));
      timers.push(
        clock.setInterval(() => {
          adoption.refresh().catch((err: unknown) => log.warn({ err }, 'could not refresh managed jobs'));
        }, deps.refreshMs ?? 15_000),
      );
      for (const timer of timers) timer.unref();
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clock.clearInterval(timer);
      timers.length = 0;
      unsubscribe?.();
      aborter.abort();
      await transitions.settle();
      await steering.closeAll();
      for (const member of members.values()) await Promise.resolve(deps.monitor.unwatch(member.unit.service)).catch(() => undefined);
      members.clear();
    },
    overview: () => {
      const counters = deps.monitor.counters();
      return { services: [...members.values()].map((member) => describe(member, counters)), refused: adoption.refused() };
    },
    status: (service) => describe(find(service)),
    async sleep(service) {
      const member = find(service);
      await transitions.sleepGroup(member.unit.powerGroup, 'requested by an operator');
      return describe(member);
    },
    async wake(service) {
      const member = find(service);
      await transitions.requestWake(member.unit.powerGroup, process.hrtime.bigint(), 'operator');
      return describe(member);
    },
    async setIdleTimeout(service, text, source) {
      const ms = typeof text === 'string' ? parseDuration(text) : undefined;
      if (ms === undefined || ms < MIN_IDLE_TIMEOUT_MS || ms > MAX_IDLE_TIMEOUT_MS) {
        throw invalidInput('timeout', `a duration from ${formatDuration(MIN_IDLE_TIMEOUT_MS)} to 168h such as "10m"`, text, source);
      }
      const member = find(service);
      await deps.store.update((draft) => {
        const current = draft.services[service] ?? { state: member.state };
        draft.services[service] = { ...current, idleTimeoutMs: ms };
      });
      log.info({ service, idleTimeoutMs: ms }, 'idle timeout set');
      changed(member);
      return describe(member);
    },
    refresh: () => adoption.refresh(),
  };
}
