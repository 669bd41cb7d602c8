// Which services this node manages, kept in line with Nomad: newly found
// services are adopted (what also runs after a restart, so a service the state
// file says is sleeping is steered again), vanished ones are let go.
import type { PowerContext } from './context.js';
import { createPowerDiscovery, type RefusedService } from './discovery.js';
import { createIdleTracker } from './idle-tracker.js';
import type { Member } from './member.js';
import { deregisterPlaceholder } from './placeholder.js';
import type { PowerUnit } from './policy.js';
import type { Steering } from './steering.js';

export interface Adoption {
  /** Re-reads the managed jobs from Nomad. */
  refresh(): Promise<void>;
  refused(): RefusedService[];
}

export function createAdoption(ctx: PowerContext, steering: Steering): Adoption {
  const { deps, log, clock } = ctx;
  let refused: RefusedService[] = [];
  const discovery = createPowerDiscovery(deps.nomad, deps.node);

  const adopt = async (unit: PowerUnit): Promise<void> => {
    // Everything that can fail (Nomad away, a slow answer) happens before the service joins `members`: a failed
    // adoption leaves nothing behind, and the next refresh tries again instead of taking it as awake at count 0.
    const record = deps.store.view().services[unit.service];
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
      tracker: createIdleTracker(clock.now()),
      hold: undefined,
      holdFd: undefined,
      lastColdStart: undefined,
      lastError: undefined,
    };
    ctx.members.set(unit.service, member);
    if (desired > 0) {
      if (record !== undefined && record.state !== 'awake') {
        await deregisterPlaceholder(deps.consul, unit.service);
        await ctx.persist(member, { state: 'awake' });
        log.info({ service: unit.service, desired }, 'service recorded as sleeping is running; taken as awake');
      }
      ctx.changed(member);
      return;
    }
    if (record === undefined || record.state === 'awake') {
      // A managed job at 0 the state file does not know (or believed awake): power management owns its count, so it
      // is taken as sleeping and steered again rather than left at 0 with nobody watching it. It wakes to the count
      // it had before its last scale-down, or 1.
      const previous = [...(groupStatus?.Events ?? [])].reverse().find((event) => event.PreviousCount > 0)?.PreviousCount;
      await ctx.persist(member, { state: 'sleeping', wakeCount: record?.wakeCount ?? previous ?? 1, sleptAt: new Date(clock.now()).toISOString() });
      log.warn({ service: unit.service }, 'managed service found at count 0 without a sleep record; adopted as sleeping');
    } else if (record.state === 'waking') {
      await ctx.persist(member, { state: 'sleeping' });
    }
    await steering.steer(member);
    await deps.monitor.setSleeping(unit.service, true);
    ctx.changed(member);
    log.info({ service: unit.service }, 'sleeping service steered again');
  };

  return {
    refused: () => [...refused],
    async refresh() {
      const found = await discovery.discover();
      refused = found.refused;
      for (const refusal of found.refused) log.warn({ service: refusal.service, reason: refusal.reason }, 'power management refused');
      for (const unit of found.units) {
        const known = ctx.members.get(unit.service);
        if (known === undefined) {
          await adopt(unit).catch((err: unknown) => log.error({ err, service: unit.service }, 'could not adopt managed service'));
        } else {
          known.unit = unit;
        }
      }
      const present = new Set(found.units.map((unit) => unit.service));
      for (const [service, member] of ctx.members) {
        if (present.has(service) || member.state !== 'awake') continue;
        ctx.members.delete(service);
        await deps.monitor.unwatch(service);
      }
    },
  };
}
