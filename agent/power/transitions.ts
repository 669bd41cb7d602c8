// Sleep and wake of a power group, one transition of a group at a time.
//
// Sleep: record the count to wake to, steer connections to a hold, then scale
// every member to 0. When any step fails, what was done is undone in reverse:
// members not yet scaled are unsteered (their held connections go to the
// running service), members already scaled are woken again. A failed sleep
// never leaves a running service behind a hold.
//
// Wake: scale every member back (retrying while Nomad is away), release the
// steering once it listens, relay held connections once Consul says it is
// healthy. When a wake fails, the group is steered again only if Nomad still
// has it at 0; a group Nomad runs is left reachable, shown awake with the error.
import { startColdStart, type ColdStartRecorder } from './cold-start.js';
import type { PowerContext, WakeTrigger } from './context.js';
import { isPortListening } from './listening.js';
import { relayTarget, type Member } from './member.js';
import { isServiceHealthy } from './placeholder.js';
import { passesOwnChecks } from './readiness.js';
import { scaleGroupUntil, type ScaleVia } from './scale-group.js';
import type { Steering } from './steering.js';
import { isGroupRunning, waitUntil } from './wait.js';

export interface Transitions {
  sleepGroup(powerGroup: string, reason: string): Promise<void>;
  /** Starts a wake of the group unless one is under way; resolves when it is awake. */
  requestWake(powerGroup: string, startNs: bigint, trigger: WakeTrigger): Promise<void>;
  /** True while a transition of the group runs. */
  busy(powerGroup: string): boolean;
  /** Resolves once every running transition settled. */
  settle(): Promise<void>;
}

export function createTransitions(ctx: PowerContext, steering: Steering): Transitions {
  const { deps, log, clock } = ctx;
  const running = new Map<string, Promise<unknown>>();
  const waking = new Map<string, Promise<void>>();

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

  const wakeCountOf = (member: Member): number => deps.store.view().services[member.unit.service]?.wakeCount ?? 1;

  const scale = (member: Member, count: number, message: string, deadlineMs: number): Promise<ScaleVia> =>
    scaleGroupUntil(
      deps.nomad,
      clock,
      { jobId: member.unit.jobId, group: member.unit.group },
      { count, message: `hearth power: ${message}`, meta: { 'hearth.power': count === 0 ? 'sleeping' : 'awake' } },
      { deadlineMs, retryMs: Math.max(ctx.pollMs, 250), signal: ctx.signal },
    );

  /** Desired count of the member's group in Nomad, or undefined when Nomad cannot say. */
  const desiredInNomad = async (member: Member): Promise<number | undefined> => {
    try {
      const status = await deps.nomad.jobs.scaleStatus(member.unit.jobId);
      return status.TaskGroups[member.unit.group]?.Desired ?? 0;
    } catch {
      return undefined;
    }
  };

  const wakeMembers = async (group: Member[], startNs: bigint, trigger: WakeTrigger): Promise<void> => {
    const recorders = new Map<Member, ColdStartRecorder>();
    for (const member of group) {
      const recorder = startColdStart(startNs, trigger, (phase, ms) => deps.metrics?.observePhase(member.unit.service, phase, ms / 1000));
      member.lastColdStart = recorder;
      recorders.set(member, recorder);
      ctx.setState(member, 'waking');
    }
    const deadline = clock.now() + deps.holdLimitMs;
    try {
      for (const member of group) {
        const via = await scale(member, wakeCountOf(member), `woken by ${trigger}`, deadline);
        // Marked once Nomad accepted the count (docs/power.md): the register path's extra round trips are in it.
        recorders.get(member)?.mark('scale_requested');
        if (via === 'register') log.info({ service: member.unit.service }, 'scaled up through a job register (a deployment was active)');
        await ctx.persist(member, { state: 'waking' });
      }
      await Promise.all(
        group.map(async (member) => {
          const { jobId, group: taskGroup, service } = member.unit;
          const target = relayTarget(member, deps.node.address);
          const poll = (what: string, check: () => Promise<boolean>) => waitUntil(clock, what, deadline, ctx.pollMs, check, ctx.signal);
          await poll(`${service} to run`, () => isGroupRunning(deps.nomad, jobId, taskGroup, wakeCountOf(member)));
          recorders.get(member)?.mark('allocation_running');
          // Release the steering as soon as the service listens: its health checks must reach it, not the agent.
          // Clients held so far stay held until it is healthy; new ones reach it directly.
          await poll(`${service} to listen on ${target.host}:${target.port}`, () => isPortListening(target.host, target.port));
          await steering.release(member);
          member.hold?.relayChecks(target);
          // Healthy on the first of its own checks passing when hearth runs them and Consul saying passing.
          const own = member.unit.probeChecks;
          await poll(`${service} to pass its health check`, async () =>
            (own !== undefined && (await passesOwnChecks(own, target.host, target.port))) || (await isServiceHealthy(deps.consul, service)));
          recorders.get(member)?.mark('healthy');
        }),
      );
      // Awake (in memory) before any held client gets its answer, so whoever it answers sees the service awake.
      for (const member of group) {
        member.tracker.touch(clock.now());
        member.lastError = undefined;
        ctx.setState(member, 'awake');
      }
      for (const member of group) {
        const recorder = recorders.get(member);
        steering.retireHold(member, () => recorder?.mark('first_byte'));
        await steering.unsteer(member);
        await ctx.persist(member, { state: 'awake' });
        log.info({ service: member.unit.service, phasesMs: recorder?.snapshot().phasesMs }, 'service woken');
      }
    } catch (err) {
      const message = (err as Error).message;
      for (const member of group) {
        recorders.get(member)?.fail(message);
        member.hold?.failAll(message);
        const desired = await desiredInNomad(member);
        if (desired !== undefined && desired > 0) {
          // Nomad runs (or is starting) it: leave it reachable rather than hold its connections.
          await steering.unsteer(member);
          await ctx.persist(member, { state: 'awake' }).catch(() => undefined);
          member.tracker.touch(clock.now());
          ctx.setState(member, 'awake');
        } else if (!ctx.signal.aborted) {
          // Still at 0 (or Nomad cannot say): steer again, the next connection retries the wake.
          await steering.steer(member).catch((steerErr: unknown) => log.error({ err: steerErr, service: member.unit.service }, 'could not steer again after a failed wake'));
          await deps.monitor.setSleeping(member.unit.service, true);
          await ctx.persist(member, { state: 'sleeping' }).catch(() => undefined);
          ctx.setState(member, 'sleeping');
        }
        ctx.recordFailure(member, 'wake', err);
      }
      log.error({ err, services: group.map((m) => m.unit.service) }, 'wake failed');
      throw err;
    }
  };

  const rollBackSleep = async (group: Member[], steered: Member[], scaled: Member[], err: unknown): Promise<void> => {
    for (const member of [...steered].reverse()) {
      if (scaled.includes(member)) continue;
      await steering.unsteer(member);
      await ctx.persist(member, { state: 'awake' }).catch(() => undefined);
      member.tracker.touch(clock.now());
      ctx.setState(member, 'awake');
    }
    if (scaled.length > 0) {
      await wakeMembers([...scaled].reverse(), process.hrtime.bigint(), 'rollback').catch((wakeErr: unknown) =>
        log.error({ err: wakeErr }, 'could not wake the members already scaled down by a failed sleep; they stay held at 0'),
      );
    }
    for (const member of group) ctx.recordFailure(member, 'sleep', err);
  };

  const sleepGroup = (powerGroup: string, reason: string): Promise<void> =>
    serialize(powerGroup, async () => {
      const group = ctx.inGroup(powerGroup).filter((m) => m.state === 'awake');
      if (group.length === 0) return;
      const steered: Member[] = [];
      const scaled: Member[] = [];
      try {
        for (const member of group) {
          const status = await deps.nomad.jobs.scaleStatus(member.unit.jobId);
          const desired = status.TaskGroups[member.unit.group]?.Desired ?? 0;
          const remembered = deps.store.view().services[member.unit.service]?.wakeCount;
          const wakeCount = desired > 0 ? desired : (remembered ?? 1);
          await ctx.persist(member, { state: 'sleeping', wakeCount, sleptAt: new Date(clock.now()).toISOString() });
          steered.push(member);
          await steering.steer(member);
        }
        // A sleep is never urgent: Nomad away is a failure now, and the idle loop tries again later.
        for (const member of group) {
          const via = await scale(member, 0, reason, 0);
          scaled.push(member);
          // Shown sleeping only once Nomad has it at 0: until then it runs, and its clients are held for a moment.
          ctx.setState(member, 'sleeping');
          log.info({ service: member.unit.service, jobId: member.unit.jobId, group: member.unit.group, reason, via }, 'service put to sleep');
        }
      } catch (err) {
        log.error({ err, powerGroup }, 'sleep failed; undoing it');
        await rollBackSleep(group, steered, scaled, err);
        throw err;
      }
      for (const member of group) member.lastError = undefined;
      await Promise.all(group.map((member) => steering.reportSynsWhenGone(member)));
      for (const member of group) ctx.changed(member);
    });

  const requestWake = (powerGroup: string, startNs: bigint, trigger: WakeTrigger): Promise<void> => {
    const existing = waking.get(powerGroup);
    if (existing !== undefined) return existing;
    const attempt = serialize(powerGroup, async () => {
      const group = ctx.inGroup(powerGroup).filter((m) => m.state !== 'awake');
      if (group.length > 0) await wakeMembers(group, startNs, trigger);
    }).finally(() => waking.delete(powerGroup));
    waking.set(powerGroup, attempt);
    attempt.catch(() => undefined);
    return attempt;
  };

  return {
    sleepGroup,
    requestWake,
    busy: (powerGroup) => running.has(powerGroup),
    settle: async () => {
      await Promise.allSettled([...running.values()]);
    },
  };
}
