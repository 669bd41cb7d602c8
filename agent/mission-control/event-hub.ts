// The one WebSocket every page opens (/api/v1/events). On connect it sends a
// snapshot of the cluster and the experts (serialised once per change, not
// per page); then every bus event and every cluster change, serialised once
// and sent to all. Nothing is read from the page. A page that stops answering
// pings, or falls far behind, is dropped: it reconnects and gets a fresh
// snapshot. The ws package is loaded when the first page connects: an agent
// no page watches does not carry it.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../log.js';
import type { EventBus } from '../daemon/event-bus.js';
import type { Principal } from '../http-api/route.js';
import type { ClusterChange } from './cluster-watch.js';
import { helloText, type SnapshotCache } from './snapshot-cache.js';

export interface EventHubDeps {
  readonly events: EventBus;
  readonly log: Logger;
  /** What a new page starts from; the hub invalidates it with every cluster change and expert list it sends. */
  readonly snapshots: SnapshotCache;
  readonly node: string;
  /** Ping interval; a page that missed one pong is dropped. */
  readonly pingMs: number;
  /** A page further behind than this many bytes is dropped. */
  readonly maxBufferedBytes?: number;
}

export interface EventHub {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, principal: Principal): void;
  /** Sends a cluster change to every page. */
  publishCluster(change: ClusterChange): void;
  start(): void;
  stop(): Promise<void>;
  clients(): number;
}

/** A WebSocket whose Origin is another site is refused (cross-site WebSocket hijacking). */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function createEventHub(deps: EventHubDeps): EventHub {
  let wss: WebSocketServer | undefined;
  let loading: Promise<WebSocketServer> | undefined;
  const server = (): Promise<WebSocketServer> => {
    loading ??= import('ws').then(({ WebSocketServer: Server }) => (wss = new Server({ noServer: true, maxPayload: 1024, clientTracking: true })));
    return loading;
  };
  const pages = (): Iterable<WebSocket> => wss?.clients ?? [];
  const alive = new WeakSet<WebSocket>();
  const maxBuffered = deps.maxBufferedBytes ?? 4 * 1024 * 1024;
  let unsubscribe: (() => void) | undefined;
  let pinger: NodeJS.Timeout | undefined;

  function broadcast(message: unknown): void {
    if (wss === undefined || wss.clients.size === 0) return;
    const text = JSON.stringify(message);
    for (const ws of wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > maxBuffered) {
        deps.log.warn({ buffered: ws.bufferedAmount }, 'page fell behind; dropping it');
        ws.terminate();
        continue;
      }
      ws.send(text);
    }
  }

  return {
    handleUpgrade(req, socket, head, principal) {
      socket.once('error', (err) => deps.log.debug({ err }, 'page socket failed before upgrade'));
      if (!sameOrigin(req)) {
        const body = JSON.stringify({ error: { code: 'HEARTH_ERR_UNAUTHORIZED', message: 'Expected a WebSocket from this agent\'s own page, got one from another origin.' } });
        socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
        return;
      }
      // The page sends nothing before the 101 answer, so nothing is missed while ws loads; a socket that
      // closed meanwhile is dropped by handleUpgrade itself.
      server().then(
        (wsServer) => wsServer.handleUpgrade(req, socket, head, (ws) => {
          alive.add(ws);
          ws.on('pong', () => alive.add(ws));
          ws.on('message', () => undefined);
          ws.on('error', (err) => deps.log.debug({ err }, 'page socket failed'));
          ws.send(helloText({ node: deps.node, signedIn: principal.kind !== 'anonymous' }, deps.snapshots.json()));
        }),
        (err: unknown) => {
          deps.log.error({ err }, 'WebSocket server not loaded');
          socket.destroy();
        },
      );
    },
    publishCluster(change) {
      deps.snapshots.invalidate();
      broadcast({ type: 'cluster', change });
    },
    start() {
      deps.snapshots.invalidate();
      unsubscribe = deps.events.subscribe((event) => {
        if (event.topic === 'experts') deps.snapshots.invalidate();
        broadcast({ type: 'bus', event });
      });
      pinger = setInterval(() => {
        for (const ws of pages()) {
          if (!alive.has(ws)) {
            ws.terminate();
            continue;
          }
          alive.delete(ws);
          ws.ping();
        }
      }, deps.pingMs);
      pinger.unref();
    },
    async stop() {
      unsubscribe?.();
      if (pinger !== undefined) clearInterval(pinger);
      // A page connecting as the agent stops is closed with the rest.
      const wsServer = loading === undefined ? undefined : await loading.catch(() => undefined);
      if (wsServer === undefined) return;
      for (const ws of wsServer.clients) ws.close(1001, 'agent stopping');
      // Sockets that do not finish the close handshake promptly go anyway.
      await new Promise<void>((resolve) => setTimeout(resolve, 50).unref());
      for (const ws of wsServer.clients) ws.terminate();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
    clients: () => wss?.clients.size ?? 0,
  };
}
