// Blocking queries: waiters are filed under the keys they watch (a table, a
// job, a service, a KV key), so a change wakes only the queries that read it.
import { SimHttpError } from './http.js';
import { parseDuration } from '../../agent/util/duration.js';

type Wake = () => void;

export interface WatchHub {
  /** Resolves on the first notify of any key, after `timeoutMs`, or on abort. */
  wait(keys: readonly string[], timeoutMs: number, signal: AbortSignal): Promise<void>;
  notify(key: string): void;
  notifyAll(): void;
  /** Calls `listener` on every notify of `key` until the returned function is called. */
  subscribe(key: string, listener: () => void): () => void;
  size(): number;
}

export function createWatchHub(): WatchHub {
  const waiters = new Map<string, Set<Wake>>();
  const add = (key: string, wake: Wake): void => {
    let set = waiters.get(key);
    if (set === undefined) {
      set = new Set();
      waiters.set(key, set);
    }
    set.add(wake);
  };
  const remove = (key: string, wake: Wake): void => {
    const set = waiters.get(key);
    if (set === undefined) return;
    set.delete(wake);
    if (set.size === 0) waiters.delete(key);
  };
  return {
    wait(keys, timeoutMs, signal) {
      return new Promise((resolve) => {
        if (signal.aborted) return resolve();
        let done = false;
        const wake: Wake = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          signal.removeEventListener('abort', wake);
          for (const key of keys) remove(key, wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(0, timeoutMs));
        signal.addEventListener('abort', wake);
        for (const key of keys) add(key, wake);
      });
    },
    notify(key) {
      const set = waiters.get(key);
      if (set === undefined) return;
      for (const wake of [...set]) wake();
    },
    notifyAll() {
      for (const set of [...waiters.values()]) for (const wake of [...set]) wake();
    },
    subscribe(key, listener) {
      const wrapped: Wake = () => listener();
      // Persistent listeners live in the same table but are not removed on wake.
      let set = waiters.get(key);
      if (set === undefined) {
        set = new Set();
        waiters.set(key, set);
      }
      const persistent = Object.assign(wrapped, { persistent: true });
      set.add(persistent);
      return () => remove(key, persistent);
    },
    size() {
      let n = 0;
      for (const set of waiters.values()) n += set.size;
      return n;
    },
  };
}

export interface BlockingParams {
  readonly minIndex: number;
  readonly waitMs: number;
}

export interface BlockingLimits {
  readonly defaultMs: number;
  readonly maxMs: number;
}

/** Reads `?index=` and `?wait=` (a Go duration or bare milliseconds), answering 400 on bad values. */
export function parseBlocking(query: URLSearchParams, limits: BlockingLimits, texts = { index: 'Invalid index', wait: 'Invalid wait time' }): BlockingParams {
  const indexText = query.get('index');
  let minIndex = 0;
  if (indexText !== null && indexText !== '') {
    if (!/^\d+$/.test(indexText)) throw new SimHttpError(400, texts.index);
    minIndex = Number(indexText);
  }
  let waitMs = limits.defaultMs;
  const waitText = query.get('wait');
  if (waitText !== null && waitText !== '') {
    const parsed = /^\d+$/.test(waitText) ? Number(waitText) : parseGoDuration(waitText);
    if (parsed === undefined) throw new SimHttpError(400, texts.wait);
    waitMs = parsed === 0 ? limits.defaultMs : Math.min(parsed, limits.maxMs);
  }
  return { minIndex, waitMs };
}

/** Go durations including "ns" and "us", in milliseconds. */
export function parseGoDuration(text: string): number | undefined {
  const plain = parseDuration(text);
  if (plain !== undefined) return plain;
  if (!/^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * (unit[m[2] ?? ''] ?? 0);
  return total;
}

export interface BlockUntilOptions {
  readonly hub: WatchHub;
  readonly keys: readonly string[];
  readonly readIndex: () => number;
  readonly params: BlockingParams;
  readonly signal: AbortSignal;
  /** Also return when the index went below the caller's (Consul's reset rule). */
  readonly returnOnLower?: boolean;
}

/** Holds until the watched index passes `minIndex`, the wait (plus up to wait/16 jitter) ends, or the client leaves. */
export async function blockUntilChanged(opts: BlockUntilOptions): Promise<void> {
  const { minIndex, waitMs } = opts.params;
  if (minIndex <= 0) return;
  const deadline = Date.now() + waitMs + Math.random() * (waitMs / 16);
  for (;;) {
    const index = opts.readIndex();
    if (index > minIndex || (opts.returnOnLower === true && index < minIndex)) return;
    const left = deadline - Date.now();
    if (left <= 0 || opts.signal.aborted) return;
    await opts.hub.wait(opts.keys, left, opts.signal);
  }
}
