// The page's one WebSocket. It reconnects by itself (0.5 s, 1 s, 2 s ... 5 s)
// and tells the store whether it is live: open and its hello (the agent's
// snapshot) applied. Every message goes to the store.
import { markOnce } from './marks.js';
import type { Store } from './store.js';
import type { ServerMessage } from './types.js';

export interface Socket {
  start(): void;
  /** Reconnect now (after signing in or out, the principal changes). */
  restart(): void;
  /** Closes it and stops reconnecting (signed out). */
  stop(): void;
}

/** `onOpen` runs when the socket is live (its hello applied), `onClose` when it closed. */
export function createSocket(store: Store, onOpen: () => void, onClose: () => void): Socket {
  let ws: WebSocket | undefined;
  let attempt = 0;
  let timer: number | undefined;

  function connect(): void {
    const url = new URL('/api/v1/events', location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    ws = socket;
    store.dispatch({ type: 'connection', connection: { state: 'connecting' } });
    let live = false;
    socket.onopen = () => {
      attempt = 0;
      markOnce('socket-open');
    };
    socket.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      let parsed: ServerMessage;
      try {
        parsed = JSON.parse(message.data) as ServerMessage;
      } catch {
        return;
      }
      store.dispatch({ type: 'socket', message: parsed });
      if (!live && parsed.type === 'hello') {
        live = true;
        store.dispatch({ type: 'connection', connection: { state: 'open' } });
        markOnce('live');
        onOpen();
      }
    };
    socket.onclose = (event) => {
      if (ws !== socket) return;
      const retryInMs = Math.min(5000, 500 * 2 ** attempt);
      attempt += 1;
      const reason = event.code === 1006 ? 'the agent does not answer' : event.reason !== '' ? event.reason : `closed (${event.code})`;
      store.dispatch({ type: 'connection', connection: { state: 'closed', retryInMs, reason } });
      timer = window.setTimeout(connect, retryInMs);
      onClose();
    };
  }

  return {
    start: connect,
    stop() {
      if (timer !== undefined) window.clearTimeout(timer);
      const old = ws;
      ws = undefined;
      old?.close();
    },
    restart() {
      if (timer !== undefined) window.clearTimeout(timer);
      const old = ws;
      ws = undefined;
      old?.close();
      attempt = 0;
      connect();
    },
  };
}
