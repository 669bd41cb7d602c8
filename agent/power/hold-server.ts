// The listening socket that connections to a sleeping service are steered to
// (sk_lookup, see agent/bpf). Each accepted connection is held: its bytes are
// read and kept, so the client is never refused or reset. Once the service is
// healthy (and the steering released), every held connection is relayed to the
// real service; only these connections ever pass through user space. A
// connection held longer than the hold limit fails cleanly: an HTTP request
// gets "503 Service Unavailable" with Retry-After, anything else an orderly
// close (FIN). Because its bytes were read, closing sends no RST.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Logger } from '../log.js';

/** Bytes kept per held connection before it is paused (TCP back-pressure takes over). */
const HELD_BYTES_LIMIT = 1 << 20;
const HTTP_REQUEST = /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH) /;

export interface HoldServer {
  /** Starts listening on 127.0.0.1 (an ephemeral port); resolves with the listening socket's fd for sk_lookup. */
  listen(): Promise<number>;
  heldCount(): number;
  /** Relays every held connection (and any accepted later) to the woken service; `onFirstByte` runs once. */
  relay(target: RelayTarget, onFirstByte: () => void): void;
  /** Fails every held connection cleanly (the service did not come up). */
  failAll(reason: string): void;
  close(): Promise<void>;
}

export interface RelayTarget {
  readonly host: string;
  readonly port: number;
}

export interface HoldServerOptions {
  readonly log: Logger;
  readonly limitMs: number;
  /** Called for each accepted connection (a wake trigger in case the SYN event was missed). */
  readonly onHeld: () => void;
}

interface Held {
  readonly socket: Socket;
  readonly chunks: Buffer[];
  bytes: number;
  readonly timer: NodeJS.Timeout;
}

export function createHoldServer(options: HoldServerOptions): HoldServer {
  const held = new Set<Held>();
  const relayed = new Set<Socket>();
  let relayTo: (() => void) | undefined;
  let firstByteSeen = false;
  let server: Server | undefined;

  const relayOne = (entry: Held, target: RelayTarget, onFirstByte: () => void): void => {
    held.delete(entry);
    clearTimeout(entry.timer);
    const client = entry.socket;
    client.removeAllListeners('data');
    client.pause();
    const upstream = connect(target);
    relayed.add(client);
    relayed.add(upstream);
    const forget = () => {
      relayed.delete(client);
      relayed.delete(upstream);
    };
    upstream.once('connect', () => {
      for (const chunk of entry.chunks) upstream.write(chunk);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.once('data', () => {
      if (firstByteSeen) return;
      firstByteSeen = true;
      onFirstByte();
    });
    upstream.on('error', (err) => {
      options.log.warn({ err }, 'relay to woken service failed');
      client.end();
    });
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => {
      forget();
      client.end();
    });
    client.on('close', () => upstream.end());
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
      timer: setTimeout(() => failOne(entry, `not awake within the hold limit of ${options.limitMs} ms`), options.limitMs),
    };
    socket.on('data', (chunk: Buffer) => {
      entry.chunks.push(chunk);
      entry.bytes += chunk.length;
      if (entry.bytes >= HELD_BYTES_LIMIT) socket.pause();
    });
    socket.once('close', () => {
      if (held.delete(entry)) clearTimeout(entry.timer);
    });
    held.add(entry);
    if (relayTo !== undefined) {
      relayTo();
      return;
    }
    options.onHeld();
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
            reject(new Error('the hold listener has no file descriptor'));
            return;
          }
          resolve(fd);
        });
      }),
    heldCount: () => held.size,
    relay(target, onFirstByte) {
      relayTo = () => {
        for (const entry of [...held]) relayOne(entry, target, onFirstByte);
      };
      relayTo();
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
