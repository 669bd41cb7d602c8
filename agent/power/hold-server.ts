// The listening socket that connections to a sleeping service are steered to
// (sk_lookup, see agent/bpf). Each accepted connection is held: its bytes are
// read and kept, so the client is never refused or reset.
//
// A held connection is classified by its first bytes, as the traffic monitor
// classifies connections: the service's check request prefix makes it a
// health check; other bytes make it a client, and only a client asks for a
// wake (`onClient`). A connection that sends nothing wakes nothing.
//
// Once the woken service listens, the steering is released and held checks
// are relayed at once (so Consul sees the real service, loading or ready);
// once it is healthy, held clients are relayed. Only held connections ever
// pass through user space. A connection held longer than the hold limit
// fails cleanly: an HTTP request gets "503 Service Unavailable" with
// Retry-After, anything else an orderly close (FIN). Because its bytes were
// read, closing sends no RST.
import { HearthError } from '../errors.js';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Logger } from '../log.js';

/** Bytes kept per held connection before it is paused (TCP back-pressure takes over). */
const HELD_BYTES_LIMIT = 1 << 20;
const HTTP_REQUEST = /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH) /;

export interface RelayTarget {
  readonly host: string;
  readonly port: number;
}

export interface HoldServer {
  /** Starts listening on 127.0.0.1 (an ephemeral port); resolves with the listening socket's fd for sk_lookup. */
  listen(): Promise<number>;
  /** Held connections identified as clients or not yet classified (checks are not counted). */
  heldCount(): number;
  /** Relays held health checks (and later ones) to the service, which now listens. */
  relayChecks(target: RelayTarget): void;
  /** Relays every held connection (and any accepted later) to the healthy service; `onFirstByte` runs once. */
  relay(target: RelayTarget, onFirstByte: () => void): void;
  /** Fails every held connection cleanly (the service did not come up). */
  failAll(reason: string): void;
  close(): Promise<void>;
}

export interface HoldServerOptions {
  readonly log: Logger;
  readonly limitMs: number;
  /** The first bytes of the service's health check request; without one, every payload is a client's. */
  readonly checkPrefix?: string;
  /** Called when a held connection turns out to be a client (a wake trigger besides the SYN event). */
  readonly onClient: () => void;
}

interface Held {
  readonly socket: Socket;
  readonly chunks: Buffer[];
  bytes: number;
  kind: 'pending' | 'check' | 'client';
  readonly timer: NodeJS.Timeout;
}

export function createHoldServer(options: HoldServerOptions): HoldServer {
  const held = new Set<Held>();
  const prefix = options.checkPrefix === undefined ? undefined : Buffer.from(options.checkPrefix, 'latin1');
  let checkTarget: RelayTarget | undefined;
  let clientTarget: { target: RelayTarget; onFirstByte: () => void } | undefined;
  let firstByteSeen = false;
  let server: Server | undefined;

  const pipeTo = (entry: Held, target: RelayTarget, onData?: () => void): void => {
    held.delete(entry);
    clearTimeout(entry.timer);
    const client = entry.socket;
    client.removeAllListeners('data');
    client.pause();
    const upstream = connect(target);
    upstream.once('connect', () => {
      for (const chunk of entry.chunks) upstream.write(chunk);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    if (onData !== undefined) upstream.once('data', onData);
    upstream.on('error', (err) => {
      options.log.debug({ err }, 'relay to the woken service failed');
      client.end();
    });
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => client.end());
    client.on('close', () => upstream.end());
  };

  const firstByte = (): void => {
    if (firstByteSeen) return;
    firstByteSeen = true;
    clientTarget?.onFirstByte();
  };

  const dispatch = (entry: Held): void => {
    if (entry.kind === 'check' && checkTarget !== undefined) pipeTo(entry, checkTarget);
    else if (entry.kind !== 'pending' && clientTarget !== undefined) pipeTo(entry, clientTarget.target, firstByte);
  };

  const classify = (entry: Held): void => {
    const head = Buffer.concat(entry.chunks);
    if (prefix !== undefined && head.length < prefix.length && prefix.subarray(0, head.length).equals(head)) return;
    entry.kind = prefix !== undefined && head.subarray(0, prefix.length).equals(prefix) ? 'check' : 'client';
    if (entry.kind === 'client' && clientTarget === undefined) options.onClient();
    dispatch(entry);
  };

  const failOne = (entry: Held, reason: string): void => {
    held.delete(entry);
    clearTimeout(entry.timer);
    const socket = entry.socket;
    const head = Buffer.concat(entry.chunks).subarray(0, 16).toString('latin1');
    if (HTTP_REQUEST.test(head)) {
      const body = `service not available: ${reason}\n`;
      socket.write(
        `HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
    // Keep reading what the client still sends so the close is a FIN, never a RST.
    socket.removeAllListeners('data');
    socket.on('data', () => undefined);
    socket.resume();
    socket.end();
    setTimeout(() => socket.destroy(), 5000).unref();
  };

  const accept = (socket: Socket): void => {
    socket.on('error', () => undefined);
    const entry: Held = {
      socket,
      chunks: [],
      bytes: 0,
      kind: 'pending',
      timer: setTimeout(() => failOne(entry, `not awake within the hold limit of ${options.limitMs} ms`), options.limitMs),
    };
    socket.on('data', (chunk: Buffer) => {
      entry.chunks.push(chunk);
      entry.bytes += chunk.length;
      if (entry.bytes >= HELD_BYTES_LIMIT) socket.pause();
      if (entry.kind === 'pending') classify(entry);
    });
    socket.once('close', () => {
      if (held.delete(entry)) clearTimeout(entry.timer);
    });
    held.add(entry);
    // Accepted after the service became healthy (it was queued on this listener): straight through.
    if (clientTarget !== undefined) {
      entry.kind = 'client';
      dispatch(entry);
    }
  };

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        const created = createServer({ allowHalfOpen: false }, accept);
        server = created;
        created.once('error', reject);
        created.listen({ host: '127.0.0.1', port: 0, backlog: 1024 }, () => {
          const fd = (created as unknown as { _handle?: { fd?: number } })._handle?.fd;
          if (typeof fd !== 'number' || fd < 0) {
            reject(new HearthError('HEARTH_ERR_POWER', 'The hold listener has no file descriptor to steer connections to (Node.js did not expose its listening socket).'));
            return;
          }
          resolve(fd);
        });
      }),
    heldCount: () => [...held].filter((entry) => entry.kind !== 'check').length,
    relayChecks(target) {
      checkTarget = target;
      for (const entry of [...held]) dispatch(entry);
    },
    relay(target, onFirstByte) {
      checkTarget = target;
      clientTarget = { target, onFirstByte };
      for (const entry of [...held]) {
        // A connection that has sent nothing yet goes through too: the service is healthy, nothing is left to hold for.
        if (entry.kind === 'pending') entry.kind = 'client';
        dispatch(entry);
      }
    },
    failAll(reason) {
      for (const entry of [...held]) failOne(entry, reason);
    },
    close: () =>
      new Promise((resolve) => {
        for (const entry of [...held]) failOne(entry, 'the power manager stopped');
        if (server === undefined) {
          resolve();
          return;
        }
        // Relayed connections belong to their clients now and end on their own; only the listener closes here.
        server.close();
        resolve();
      }),
  };
}
