// Steering a sleeping service's connections to this agent and back: the hold
// listener, the sk_lookup steering, the Consul placeholder and the SYN events.
// Each step is undone in reverse by `unsteer`, as far as it got.
import type { PowerContext } from './context.js';
import { createHoldServer, type HoldServer } from './hold-server.js';
import { isPortListening } from './listening.js';
import { relayTarget, type Member } from './member.js';
import { deregisterPlaceholder, registerPlaceholder } from './placeholder.js';
import { waitUntil } from './wait.js';

/** How long a released hold listener stays open so connections already queued on it are accepted and relayed. */
const HOLD_DRAIN_MS = 1000;

export interface Steering {
  /** Steers new connections to a hold listener and shows the service as sleeping in Consul. */
  steer(member: Member): Promise<void>;
  /** Waits (bounded) until the stopped service no longer listens, then reports its SYNs as wake triggers. */
  reportSynsWhenGone(member: Member): Promise<void>;
  /** Ends the steering (the service listens again); held connections stay held. */
  release(member: Member): Promise<void>;
  /** Relays what the hold still has to the service and closes the listener once drained. */
  retireHold(member: Member, onFirstByte?: () => void): void;
  /** Undoes `steer` in reverse, for a service that never stopped running: its held connections go to it. */
  unsteer(member: Member): Promise<void>;
  /** Closes every hold listener (the manager stops). */
  closeAll(): Promise<void>;
}

export function createSteering(ctx: PowerContext): Steering {
  const { deps, log } = ctx;
  const draining = new Set<HoldServer>();

  const retireHold = (member: Member, onFirstByte: () => void = () => undefined): void => {
    const hold = member.hold;
    if (hold === undefined) return;
    member.hold = undefined;
    member.holdFd = undefined;
    const target = relayTarget(member, deps.node.address);
    hold.relayChecks(target);
    hold.relay(target, onFirstByte);
    draining.add(hold);
    ctx.clock
      .setTimeout(() => {
        draining.delete(hold);
        void hold.close();
      }, HOLD_DRAIN_MS)
      .unref();
  };

  const release = async (member: Member): Promise<void> => {
    await deps.monitor.release(member.unit.service);
    await deps.monitor.setSleeping(member.unit.service, false);
  };

  return {
    async steer(member) {
      const service = member.unit.service;
      if (member.hold === undefined) {
        const hold = createHoldServer({
          log,
          limitMs: deps.holdLimitMs,
          ...(member.unit.checkPrefix === undefined ? {} : { checkPrefix: member.unit.checkPrefix }),
          onClient: () => void ctx.requestWake(member.unit.powerGroup, process.hrtime.bigint(), 'packet'),
        });
        member.hold = hold;
        member.holdFd = await hold.listen();
      }
      if (member.holdFd !== undefined) await deps.monitor.hold(service, member.holdFd);
      await registerPlaceholder(deps.consul, { service, address: deps.node.address, port: member.unit.port });
    },
    async reportSynsWhenGone(member) {
      const { service, port } = member.unit;
      try {
        await waitUntil(ctx.clock, `${service} to stop listening`, ctx.clock.now() + (deps.stopWaitMs ?? 60_000), ctx.pollMs, async () => !(await isPortListening(deps.node.address, port)), ctx.signal);
      } catch (err) {
        log.warn({ err, service }, 'service still listens after its scale-down; reporting its SYNs anyway');
      }
      if (member.state === 'sleeping') await deps.monitor.setSleeping(service, true);
    },
    release,
    retireHold,
    async unsteer(member) {
      const service = member.unit.service;
      const steps: Array<[string, () => unknown]> = [
        ['deregister the placeholder', () => deregisterPlaceholder(deps.consul, service)],
        ['release the steering', () => release(member)],
        ['hand held connections to the service', () => retireHold(member)],
      ];
      for (const [step, run] of steps) {
        try {
          await run();
        } catch (err) {
          log.error({ err, service, step }, 'could not undo a step of a failed sleep');
        }
      }
    },
    async closeAll() {
      const holds = [...draining];
      draining.clear();
      for (const member of ctx.members.values()) {
        if (member.hold === undefined) continue;
        await Promise.resolve(deps.monitor.release(member.unit.service)).catch(() => undefined);
        holds.push(member.hold);
        member.hold = undefined;
        member.holdFd = undefined;
      }
      await Promise.all(holds.map((hold) => hold.close()));
    },
  };
}
