// The traffic monitor on the real kernel: counting over lo and veth (IPv4 and
// IPv6), the health-check classification, SYN events, the sk_lookup hold and
// a clean stop(). Serial: every test attaches at hearth's tc slot on lo.
import test, { type ExecutionContext } from 'ava';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createSilentLogger } from '../../agent/log.js';
import { createTrafficMonitor, type SynEvent, type TrafficMonitor } from '../../agent/bpf/monitor.js';
import { createNetns } from '../netns/netns.js';
import { freePort } from '../support/free-port.js';
import {
  bpfInventory, bpfSkipReason, objectInventory, tcProgramIds, type BpfInventory, closeSocket, connectTo, hearthPrograms, OBJECT_PATH, roundTrip,
  startEchoServer, tcFilters, tcFiltersAt, TEST_TC_PRIORITY, uniqueLoopback,
} from './helpers.js';
import { skipAll } from '../support/skip.js';
import { settle } from '../support/wait-for.js';

const CLIENT = fileURLToPath(new URL('../netns/tcp-client.js', import.meta.url));
const skipReason = bpfSkipReason();

async function startMonitor(t: ExecutionContext, interfaces: string[]): Promise<TrafficMonitor> {
  const monitor = createTrafficMonitor({ interfaces, objectPath: OBJECT_PATH, log: createSilentLogger(), tcPriority: TEST_TC_PRIORITY });
  t.teardown(() => monitor.stop());
  await monitor.start();
  return monitor;
}

function countersOf(monitor: TrafficMonitor, id: number) {
  const c = monitor.counters().get(id);
  if (c === undefined) throw new Error(`no counters for service ${id}`);
  return c;
}

/** Collects SYN events; `next(id)` resolves with the next event for that service. */
function collectSyns(monitor: TrafficMonitor): { events: SynEvent[]; next(id: number): Promise<SynEvent> } {
  const events: SynEvent[] = [];
  const waiters: Array<{ id: number; resolve: (ev: SynEvent) => void }> = [];
  monitor.onSyn((ev) => {
    events.push(ev);
    const i = waiters.findIndex((w) => w.id === ev.serviceId);
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(ev);
  });
  return {
    events,
    next: (id) => new Promise((resolve) => waiters.push({ id, resolve })),
  };
}

if (!skipAll('eBPF kernel tests', skipReason)) {
  test.serial('the object loads and its programs appear in the kernel under hearth_ names while started', async (t) => {
    const monitor = await startMonitor(t, ['lo']);
    const [seed] = tcProgramIds('lo', 'ingress').filter((id) => tcFiltersAt('lo', 'ingress', TEST_TC_PRIORITY).join('\n').includes(`[${id}]`));
    if (seed === undefined) throw new Error('no hearth filter on lo at the test priority');
    const ours = objectInventory(seed);
    const names = hearthPrograms().filter((p) => ours.programs.has(p.id)).map((p) => p.name).sort();
    t.deepEqual(names, ['hearth_sk_lookup', 'hearth_tc_egress', 'hearth_tc_ingress']);
    t.regex(tcFilters('lo', 'ingress'), /hearth_tc_ingre/); // the kernel keeps 15 characters of a program name
    t.deepEqual(monitor.interfaces(), ['lo']);
  });

  test.serial('traffic over loopback is counted both ways and open connections fall back to zero on close', async (t) => {
    const host = uniqueLoopback();
    const server = await startEchoServer(host);
    t.teardown(() => server.close());
    const monitor = await startMonitor(t, ['lo']);
    monitor.watch({ id: 11, address: host, port: server.port, protocol: 'tcp' });

    const client = await connectTo(host, server.port);
    t.teardown(() => client.destroy());
    t.is(await roundTrip(client, 'hello service'), 'hello service');
    const open = await settle(() => countersOf(monitor, 11), (c) => c.openConnections === 1);
    t.is(open.openConnections, 1);
    t.true(open.rxPackets >= 2n && open.txPackets >= 2n, JSON.stringify(open, (_k, v: unknown) => String(v)));
    t.true(open.rxBytes > 13n && open.txBytes > 13n);
    t.is(open.activityBytes, 26n); // 13 bytes each way, headers excluded
    t.true(open.lastActivityNs > 0n && open.lastActivityNs <= process.hrtime.bigint());

    await closeSocket(client);
    const closed = await settle(() => countersOf(monitor, 11), (c) => c.openConnections === 0);
    t.is(closed.openConnections, 0);
    t.is(closed.checkConnections, 0n);
    t.true(closed.rxPackets > open.rxPackets);
  });

  test.serial('bulk transfers count every payload byte on the wire, GSO-sized packets included', async (t) => {
    const host = uniqueLoopback();
    const server = await startEchoServer(host);
    t.teardown(() => server.close());
    const monitor = await startMonitor(t, ['lo']);
    monitor.watch({ id: 13, address: host, port: server.port, protocol: 'tcp' });
    const client = await connectTo(host, server.port);
    t.teardown(() => client.destroy());
    const size = 4 << 20;
    let echoed = 0;
    const done = new Promise<void>((resolve) => {
      client.on('data', (d: Buffer) => {
        echoed += d.length;
        if (echoed >= size) resolve();
      });
    });
    client.write(Buffer.alloc(size, 0x61));
    await done;
    await closeSocket(client);
    const c = await settle(() => countersOf(monitor, 13), (v) => v.openConnections === 0 && v.activityBytes >= BigInt(2 * size));
    // Wire bytes: a segment dropped after the hook (a full receive queue) and sent again counts twice.
    t.true(c.activityBytes >= BigInt(2 * size), String(c.activityBytes));
    t.true(c.activityBytes <= BigInt(2 * size + size / 4), String(c.activityBytes));
    t.true(c.rxBytes > BigInt(size) && c.txBytes > BigInt(size));
  });

  test.serial('a service on a wildcard address is matched by any local address', async (t) => {
    const server = await startEchoServer('0.0.0.0');
    t.teardown(() => server.close());
    const monitor = await startMonitor(t, ['lo']);
    monitor.watch({ id: 12, address: '0.0.0.0', port: server.port, protocol: 'tcp' });
    const client = await connectTo(uniqueLoopback(), server.port);
    t.teardown(() => client.destroy());
    await roundTrip(client, 'abc');
    const c = await settle(() => countersOf(monitor, 12), (v) => v.activityBytes === 6n);
    t.is(c.activityBytes, 6n);
  });

  for (const family of ['IPv4', 'IPv6'] as const) {
    test.serial(`traffic from a network namespace over a veth pair is counted (${family})`, async (t) => {
      const ns = await createNetns('hbpf');
      t.teardown(() => ns.destroy());
      const [hostAddr, nsAddr] = family === 'IPv4' ? [ns.hostAddr, ns.nsAddr] : [ns.hostAddr6, ns.nsAddr6];
      const server = await startEchoServer(hostAddr);
      t.teardown(() => server.close());
      const monitor = await startMonitor(t, ['lo', ns.vethHost]);
      monitor.watch({ id: 21, address: hostAddr, port: server.port, protocol: 'tcp' });

      const res = await ns.exec(process.execPath, [CLIENT, hostAddr, String(server.port), 'from the namespace']);
      t.is(res.code, 0, res.stderr);
      t.like(JSON.parse(res.stdout), { localAddress: nsAddr, reply: 'from the namespace' });
      const c = await settle(() => countersOf(monitor, 21), (v) => v.openConnections === 0 && v.activityBytes === 36n);
      t.is(c.activityBytes, 36n);
      t.is(c.openConnections, 0);
      t.true(c.rxPackets >= 3n && c.txPackets >= 3n);
      t.true(c.rxBytes > 18n && c.txBytes > 18n);
    });
  }

  test.serial('connections whose first request matches the check prefix are checks, not activity', async (t) => {
    const host = uniqueLoopback();
    const server = await startEchoServer(host);
    t.teardown(() => server.close());
    const monitor = await startMonitor(t, ['lo']);
    monitor.watch({ id: 31, address: host, port: server.port, protocol: 'tcp', checkPrefix: 'GET /health ' });

    const check = await connectTo(host, server.port);
    t.teardown(() => check.destroy());
    await roundTrip(check, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    const during = await settle(() => countersOf(monitor, 31), (c) => c.checkConnections === 1n);
    t.is(during.checkConnections, 1n);
    t.is(during.openConnections, 0);
    t.is(during.activityBytes, 0n);
    await closeSocket(check);

    const real = await connectTo(host, server.port);
    t.teardown(() => real.destroy());
    await roundTrip(real, 'GET /v1/models HTTP/1.1\r\n\r\n');
    const after = await settle(() => countersOf(monitor, 31), (c) => c.openConnections === 1);
    t.is(after.openConnections, 1);
    t.is(after.activityBytes, 2n * 27n);
    t.is(after.checkConnections, 1n);
    await closeSocket(real);
  });

  test.serial('a connection that closes without client payload is a probe, not activity', async (t) => {
    const host = uniqueLoopback();
    const server = await startEchoServer(host);
    t.teardown(() => server.close());
    const monitor = await startMonitor(t, ['lo']);
    monitor.watch({ id: 41, address: host, port: server.port, protocol: 'tcp' });

    const probe = await connectTo(host, server.port);
    t.teardown(() => probe.destroy());
    await closeSocket(probe);
    const c = await settle(() => countersOf(monitor, 41), (v) => v.checkConnections === 1n);
    t.is(c.checkConnections, 1n);
    t.is(c.activityBytes, 0n);
    t.is(c.openConnections, 0);
    t.is(c.lastActivityNs, 0n);
    t.true(c.rxPackets >= 3n); // SYN, ACK, FIN at least: counted as traffic, not as activity
  });

  test.serial('a SYN to a sleeping service is reported once per connection, and none while it is awake', async (t) => {
    const host = uniqueLoopback();
    const server = await startEchoServer(host);
    t.teardown(() => server.close());
    const sentinel = await startEchoServer(host);
    t.teardown(() => sentinel.close());
    const monitor = await startMonitor(t, ['lo']);
    const syns = collectSyns(monitor);
    monitor.watch({ id: 51, address: host, port: server.port, protocol: 'tcp' });
    monitor.watch({ id: 52, address: host, port: sentinel.port, protocol: 'tcp' });

    monitor.setSleeping(51, true);
    const first = syns.next(51);
    const asleep = await connectTo(host, server.port);
    t.teardown(() => asleep.destroy());
    const ev = await first;
    t.like(ev, { serviceId: 51, srcAddress: '127.0.0.1', srcPort: asleep.localPort, dstAddress: host, dstPort: server.port });
    t.true(ev.timestampNs > 0n && ev.timestampNs <= process.hrtime.bigint());
    await closeSocket(asleep);

    monitor.setSleeping(51, false);
    const awake = await connectTo(host, server.port);
    t.teardown(() => awake.destroy());
    await closeSocket(awake);
    // Events arrive in order: once the sentinel's event is in, any event for the awake connection would be too.
    monitor.setSleeping(52, true);
    const marker = syns.next(52);
    const s = await connectTo(host, sentinel.port);
    t.teardown(() => s.destroy());
    await marker;
    t.deepEqual(syns.events.map((e) => e.serviceId), [51, 52]);
  });

  test.serial('while held, a connect() to a port with no listener is accepted by the agent socket; after release it reaches the service', async (t) => {
    const host = uniqueLoopback();
    const port = await freePort(host);
    const holder = createServer();
    const heldSockets: Socket[] = [];
    holder.on('connection', (s) => heldSockets.push(s));
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    t.teardown(() => {
      for (const s of heldSockets) s.destroy();
      holder.close();
    });
    const monitor = await startMonitor(t, ['lo']);
    monitor.watch({ id: 61, address: host, port, protocol: 'tcp' });

    const listenerFd = (holder as unknown as { _handle: { fd: number } })._handle.fd;
    monitor.hold(61, listenerFd);
    const accepted = new Promise<Socket>((resolve) => holder.once('connection', resolve));
    const client = await connectTo(host, port);
    t.teardown(() => client.destroy());
    const held = await accepted;
    t.is(held.localAddress, host);
    t.is(held.localPort, port);
    t.not((holder.address() as AddressInfo).port, port);
    await closeSocket(client);

    monitor.release(61);
    const refused = connectTo(host, port);
    await t.throwsAsync(refused, { code: 'ECONNREFUSED' });
    const service = await startEchoServer(host, port);
    t.teardown(() => service.close());
    const direct = await connectTo(host, port);
    t.teardown(() => direct.destroy());
    t.is(await roundTrip(direct, 'direct'), 'direct');
    t.is(service.accepted.length, 1);
    t.is(heldSockets.length, 1);
  });

  test.serial('an IPv6 endpoint is held on a dual-stack agent socket', async (t) => {
    const port = await freePort('::1');
    const holder = createServer();
    const heldSockets: Socket[] = [];
    holder.on('connection', (s) => heldSockets.push(s));
    await new Promise<void>((resolve) => holder.listen(0, '::', resolve));
    t.teardown(() => {
      for (const s of heldSockets) s.destroy();
      holder.close();
    });
    const monitor = await startMonitor(t, ['lo']);
    const syns = collectSyns(monitor);
    monitor.watch({ id: 62, address: '::1', port, protocol: 'tcp' });
    monitor.setSleeping(62, true);
    monitor.hold(62, (holder as unknown as { _handle: { fd: number } })._handle.fd);

    const event = syns.next(62);
    const accepted = new Promise<Socket>((resolve) => holder.once('connection', resolve));
    const client = await connectTo('::1', port);
    t.teardown(() => client.destroy());
    const held = await accepted;
    t.is(held.localAddress, '::1');
    t.is(held.localPort, port);
    t.like(await event, { serviceId: 62, srcAddress: '::1', dstAddress: '::1', dstPort: port, srcPort: client.localPort });
  });

  test.serial('services watched and put to sleep before start() are in force once it runs, and unwatch forgets their counters', async (t) => {
    const host = uniqueLoopback();
    const server = await startEchoServer(host);
    t.teardown(() => server.close());
    const monitor = createTrafficMonitor({ interfaces: ['lo'], objectPath: OBJECT_PATH, log: createSilentLogger(), tcPriority: TEST_TC_PRIORITY });
    t.teardown(() => monitor.stop());
    monitor.watch({ id: 81, address: host, port: server.port, protocol: 'tcp' });
    monitor.setSleeping(81, true);
    await monitor.start();
    const syns = collectSyns(monitor);
    const event = syns.next(81);
    const client = await connectTo(host, server.port);
    t.teardown(() => client.destroy());
    await roundTrip(client, 'x');
    t.is((await event).serviceId, 81);
    await closeSocket(client);
    t.true(countersOf(monitor, 81).rxPackets > 0n);

    monitor.unwatch(81);
    t.false(monitor.counters().has(81));
    monitor.watch({ id: 81, address: host, port: server.port, protocol: 'tcp' });
    t.is(countersOf(monitor, 81).rxPackets, 0n);
  });

  test.serial('stop() leaves no program, map, link or tc filter behind', async (t) => {
    const ns = await createNetns('hbpf');
    t.teardown(() => ns.destroy());
    // lo: only our priority (other suites may use lo meanwhile); our own veth: everything.
    const filterState = () => [
      ...tcFiltersAt('lo', 'ingress', TEST_TC_PRIORITY),
      ...tcFiltersAt('lo', 'egress', TEST_TC_PRIORITY),
      tcFilters(ns.vethHost, 'ingress'),
      tcFilters(ns.vethHost, 'egress'),
    ];
    const filtersBefore = filterState();

    const monitor = createTrafficMonitor({ interfaces: ['lo', ns.vethHost], objectPath: OBJECT_PATH, log: createSilentLogger(), tcPriority: TEST_TC_PRIORITY });
    t.teardown(() => monitor.stop());
    await monitor.start();
    monitor.watch({ id: 71, address: ns.hostAddr, port: 8080, protocol: 'tcp' });
    const [seed] = tcProgramIds(ns.vethHost, 'egress');
    if (seed === undefined) throw new Error('no hearth filter on the veth while started');
    const ours = objectInventory(seed);
    t.is(ours.programs.size, 3);
    t.true(ours.maps.size >= 6);
    t.is(ours.links.size, 1);
    t.is(tcFiltersAt('lo', 'ingress', TEST_TC_PRIORITY).length, 2); // the filter's two lines

    await monitor.stop();
    const still = (inv: BpfInventory) => ({
      programs: [...ours.programs].filter((id) => inv.programs.has(id)),
      maps: [...ours.maps].filter((id) => inv.maps.has(id)),
      links: [...ours.links].filter((id) => inv.links.has(id)),
    });
    const left = await settle(() => still(bpfInventory()), (l) => l.programs.length + l.maps.length + l.links.length === 0);
    t.deepEqual(left, { programs: [], maps: [], links: [] });
    t.deepEqual(filterState(), filtersBefore);
  });

  test.serial('bad service definitions are refused and change nothing', async (t) => {
    const monitor = createTrafficMonitor({ interfaces: ['lo'], objectPath: OBJECT_PATH, log: createSilentLogger(), tcPriority: TEST_TC_PRIORITY });
    t.throws(() => monitor.watch({ id: 1, address: 'localhost', port: 80, protocol: 'tcp' }), { message: /address/ });
    t.throws(() => monitor.watch({ id: 1, address: '127.0.0.1', port: 0, protocol: 'tcp' }), { message: /port/ });
    t.throws(() => monitor.watch({ id: 1, address: '127.0.0.1', port: 80, protocol: 'tcp', checkPrefix: 'x'.repeat(33) }), {
      message: /checkPrefix/,
    });
    t.deepEqual([...monitor.counters().keys()], []);
    t.throws(() => monitor.setSleeping(1, true), { message: /not watched/ });
  });

  test.serial('an interface that does not exist fails start() naming it, and nothing stays attached', async (t) => {
    const before = tcFiltersAt('lo', 'ingress', TEST_TC_PRIORITY);
    const monitor = createTrafficMonitor({ interfaces: ['lo', 'hbpf-missing0'], objectPath: OBJECT_PATH, log: createSilentLogger(), tcPriority: TEST_TC_PRIORITY });
    t.teardown(() => monitor.stop());
    await t.throwsAsync(monitor.start(), { code: 'HEARTH_ERR_BPF', message: /hbpf-missing0/ });
    t.deepEqual(tcFiltersAt('lo', 'ingress', TEST_TC_PRIORITY), before);
  });
}
