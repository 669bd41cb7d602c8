// HTTP calls to the agent. The session cookie rides along by itself; every
// request that changes anything adds the session's CSRF value. Failures come
// back as ApiError with the agent's own message.
import type { Store } from './store.js';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** Reads a streamed answer (SSE) to its end; the WebSocket carries the events themselves. */
  sendAndDrain(path: string, body: unknown): Promise<void>;
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, error?.code ?? 'HEARTH_ERR_HTTP', error?.message ?? `The agent answered ${res.status}.`);
  }
  return body as T;
}

export function createApi(store: Store): Api {
  const headers = (json: boolean): Record<string, string> => {
    const h: Record<string, string> = {};
    if (json) h['content-type'] = 'application/json';
    const csrf = store.get().session?.csrf;
    if (csrf !== undefined) h['x-hearth-csrf'] = csrf;
    return h;
  };
  return {
    async get(path) {
      return await parse(await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } }));
    },
    async send(method, path, body) {
      const init: RequestInit = { method, credentials: 'same-origin', headers: headers(body !== undefined) };
      if (body !== undefined) init.body = JSON.stringify(body);
      return await parse(await fetch(path, init));
    },
    async sendAndDrain(path, body) {
      const res = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: headers(true), body: JSON.stringify(body) });
      if (!res.ok) {
        await parse(res);
        return;
      }
      await res.body?.pipeTo(new WritableStream());
    },
  };
}
