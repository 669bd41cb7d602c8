import test from 'ava';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { createEventBus } from '../daemon/event-bus.js';
import { createSilentLogger } from '../log.js';
import { createEventHub } from './event-hub.js';
import { createSnapshotCache } from './snapshot-cache.js';

async function hubOn(t: import('ava').ExecutionContext, pingMs: number, experts: () => readonly unknown[] = () => []) {
  const log = createSilentLogger();
  const events = createEventBus(log);
  const snapshots = createSnapshotCache({ snapshot: () => ({ nodes: [], jobs: [], agents: [], errors: {} }), listExperts: experts });
  const hub = createEventHub({ events, log, snapshots, node: 'n1', pingMs });
  const server = createServer();
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head, { kind: 'token' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub.start();
  t.teardown(async () => {
    await hub.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { hub, events, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/events` };
}

const firstMessage = (url: string) => new Promise<Record<string, unknown>>((resolve, reject) => {
  const ws = new WebSocket(url);
  ws.once('message', (data) => {
    resolve(JSON.parse(String(data)) as Record<string, unknown>);
    ws.close();
  });
  ws.once('error', reject);
});

test('a new page is sent the snapshot serialised once, and again after the experts or the cluster changed', async (t) => {
  let experts: unknown[] = [{ id: 'a-1' }];
  let reads = 0;
  const { hub, events, url } = await hubOn(t, 60_000, () => {
    reads += 1;
    return experts;
  });
  t.deepEqual(await firstMessage(url), { type: 'hello', node: 'n1', signedIn: true, cluster: { nodes: [], jobs: [], agents: [], errors: {} }, experts: [{ id: 'a-1' }] });
  t.like(await firstMessage(url), { type: 'hello', experts: [{ id: 'a-1' }] });
  t.is(reads, 1);
  experts = [{ id: 'b-1' }];
  events.publish({ topic: 'experts', experts });
  t.like(await firstMessage(url), { type: 'hello', experts: [{ id: 'b-1' }] });
  t.is(reads, 2);
  hub.publishCluster({ part: 'nodes', nodes: [] });
  await firstMessage(url);
  t.is(reads, 3);
});

test('a page that stops answering pings is dropped; one that answers stays', async (t) => {
  const { hub, url } = await hubOn(t, 100);
  const healthy = new WebSocket(url);
  // autoPong off: this page never answers a ping.
  const silent = new WebSocket(url, { autoPong: false });
  await Promise.all([healthy, silent].map((ws) => new Promise((resolve) => ws.once('message', resolve))));
  t.is(hub.clients(), 2);
  const closed = await new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
  t.is(closed, 1006);
  // The server forgets the socket once its own close completes.
  for (let i = 0; i < 100 && hub.clients() !== 1; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  t.is(hub.clients(), 1);
  t.is(healthy.readyState, WebSocket.OPEN);
  healthy.close();
});

test('every bus event reaches every page, serialised once, and stop closes them as going away', async (t) => {
  const { hub, events, url } = await hubOn(t, 60_000);
  const pages = [new WebSocket(url), new WebSocket(url), new WebSocket(url)];
  const received = pages.map((ws) => new Promise<unknown[]>((resolve) => {
    const got: unknown[] = [];
    ws.on('message', (data) => {
      got.push(JSON.parse(String(data)));
      if (got.length === 2) resolve(got);
    });
  }));
  await new Promise((resolve) => setTimeout(resolve, 100));
  events.publish({ topic: 'power', service: 'svc<b>', status: { state: 'sleeping' } });
  for (const got of await Promise.all(received)) {
    t.like(got[0], { type: 'hello', node: 'n1' });
    t.deepEqual(got[1], { type: 'bus', event: { topic: 'power', service: 'svc<b>', status: { state: 'sleeping' } } });
  }
  const codes = pages.map((ws) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code))));
  await hub.stop();
  t.deepEqual(await Promise.all(codes), [1001, 1001, 1001]);
  t.is(events.listenerCount(), 0);
});
