// The traffic monitor behaviours the power manager relies on (its
// TrafficMonitorPort), written once and run against the kernel monitor (eBPF on
// lo, through agent/power/monitor-adapter.ts) and the fake the manager's unit
// tests use (testing/power/fakes.ts), both in monitor.test.ts. The fake sees no
// packets, so cases that need a real connection say so in their skip.
import type { ExecutionContext } from 'ava';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { isHearthError } from '../../agent/errors.js';
import type { SynEvent, TrafficMonitorPort } from '../../agent/power/ports.js';
import { closeSocket, connectTo, roundTrip, startEchoServer } from '../bpf/helpers.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';
import type { ContractCase } from './target.js';

export type MonitorKind = 'kernel' | 'fake';

export interface MonitorTarget {
  readonly kind: MonitorKind;
  readonly monitor: TrafficMonitorPort;
  /** A loopback address of this target's own, for the services a case watches. */
  readonly address: string;
}

const NO_PACKETS = 'the fake sees no packets: unit tests set its counters (setCounters) and emit its SYN events (emitSyn)';

let serial = 0;
/** A service name no other case uses, so cases never see each other's state. */
const name = (what: string): string => `c-${what}-${(serial += 1)}`;

function watchLater(t: ExecutionContext, target: MonitorTarget, spec: { id: string; port: number }): Promise<void> | void {
  t.teardown(() => target.monitor.unwatch(spec.id));
  return target.monitor.watch({ id: spec.id, address: target.address, port: spec.port, protocol: 'tcp' });
}

/** A listening socket of this process and its fd (what the power manager's hold server hands to hold()). */
async function listeningFd(t: ExecutionContext, onConnection: () => void): Promise<{ fd: number; port: number }> {
  const server: Server = createServer((socket) => {
    onConnection();
    socket.end('held\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const fd = (server as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number') throw new Error('no fd for the test listener');
  return { fd, port: (server.address() as AddressInfo).port };
}

export const MONITOR_CASES: ReadonlyArray<ContractCase<MonitorKind, MonitorTarget>> = [
  {
    title: 'a watched service has zero counters; watching it again keeps one entry; unwatch removes it; unwatching an unknown one is a no-op',
    async run(t, target) {
      const id = name('watch');
      const port = await freePort();
      await watchLater(t, target, { id, port });
      await target.monitor.watch({ id, address: target.address, port, protocol: 'tcp' });
      const counters = target.monitor.counters().get(id);
      t.like(counters, { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0, openConnections: 0, checkConnections: 0 });
      t.is([...target.monitor.counters().keys()].filter((key) => key === id).length, 1);
      await target.monitor.unwatch(id);
      t.false(target.monitor.counters().has(id));
      await target.monitor.unwatch(name('never-watched'));
      t.pass();
    },
  },
  {
    title: 'counters(only) returns the services asked for and leaves out the others and unknown names',
    async run(t, target) {
      const a = name('only-a');
      const b = name('only-b');
      await watchLater(t, target, { id: a, port: await freePort() });
      await watchLater(t, target, { id: b, port: await freePort() });
      const some = target.monitor.counters([a, 'c-nobody']);
      t.deepEqual([...some.keys()], [a]);
      t.true(target.monitor.counters().has(b));
    },
  },
  {
    title: 'putting to sleep or holding a service that is not watched is refused with HEARTH_ERR_NOT_FOUND naming it',
    async run(t, target) {
      const ghost = name('ghost');
      for (const action of [() => target.monitor.setSleeping(ghost, true), () => target.monitor.hold(ghost, 0)]) {
        const err = await t.throwsAsync(async () => action());
        t.true(isHearthError(err, 'HEARTH_ERR_NOT_FOUND'), String(err));
        t.true(err?.message.includes(JSON.stringify(ghost)));
      }
      t.false(target.monitor.counters().has(ghost), 'nothing was watched on the way');
    },
  },
  {
    title: 'a connection to a watched service counts bytes both ways and one open connection until it closes',
    skip: { fake: NO_PACKETS },
    async run(t, target) {
      const id = name('count');
      const echo = await startEchoServer(target.address);
      t.teardown(() => echo.close());
      await watchLater(t, target, { id, port: echo.port });
      const socket = await connectTo(target.address, echo.port);
      t.is(await roundTrip(socket, 'hello monitor'), 'hello monitor');
      const open = await waitFor('one open connection', () => {
        const c = target.monitor.counters([id]).get(id);
        return c !== undefined && c.openConnections === 1 && c.rxBytes >= 13 && c.txBytes >= 13 ? c : undefined;
      });
      t.true(open.activityBytes >= 26, JSON.stringify(open));
      t.true(open.lastActivityNs > 0);
      await closeSocket(socket);
      await waitFor('the connection closed', () => target.monitor.counters([id]).get(id)?.openConnections === 0);
    },
  },
  {
    title: 'while a service sleeps the first SYN to it is reported with its name and address; an awake service reports none; unsubscribing stops delivery',
    skip: { fake: NO_PACKETS },
    async run(t, target) {
      const id = name('syn');
      const echo = await startEchoServer(target.address);
      t.teardown(() => echo.close());
      await watchLater(t, target, { id, port: echo.port });
      const events: SynEvent[] = [];
      const unsubscribe = target.monitor.onSyn((event) => {
        if (event.serviceId === id) events.push(event);
      });
      t.teardown(() => unsubscribe());
      await closeSocket(await connectTo(target.address, echo.port));
      await new Promise((resolve) => setTimeout(resolve, 200));
      t.is(events.length, 0, 'no event while awake');
      await target.monitor.setSleeping(id, true);
      await closeSocket(await connectTo(target.address, echo.port));
      const [event] = await waitFor('a SYN event', () => (events.length > 0 ? events : undefined));
      t.like(event, { serviceId: id, dstAddress: target.address, dstPort: echo.port });
      t.true(typeof event?.timestampNs === 'bigint' && event.timestampNs > 0n);
      const before = events.length;
      unsubscribe();
      await closeSocket(await connectTo(target.address, echo.port));
      await new Promise((resolve) => setTimeout(resolve, 200));
      t.is(events.length, before, 'no event after unsubscribing');
      await target.monitor.setSleeping(id, false);
    },
  },
  {
    title: 'hold() steers new connections for the service to the given listening socket until release()',
    skip: { fake: 'the fake steers nothing: unit tests connect to the held socket\'s own port (portOfListeningFd)' },
    async run(t, target) {
      const id = name('hold');
      const echo = await startEchoServer(target.address);
      t.teardown(() => echo.close());
      await watchLater(t, target, { id, port: echo.port });
      let heldConnections = 0;
      const listener = await listeningFd(t, () => (heldConnections += 1));
      await target.monitor.hold(id, listener.fd);
      t.teardown(() => target.monitor.release(id));
      const held = await connectTo(target.address, echo.port);
      const reply = await new Promise<string>((resolve) => {
        let text = '';
        held.on('data', (chunk) => (text += chunk.toString()));
        held.on('end', () => resolve(text));
      });
      t.is(reply, 'held\n');
      t.is(heldConnections, 1);
      await target.monitor.release(id);
      const direct = await connectTo(target.address, echo.port);
      t.is(await roundTrip(direct, 'direct'), 'direct');
      await closeSocket(direct);
      t.is(heldConnections, 1, 'after release the service itself answers');
    },
  },
];
