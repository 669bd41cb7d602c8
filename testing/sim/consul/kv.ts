// `/v1/kv/*`: array replies with base64 values, raw PUT bodies answering
// true/false, cas and flags, recurse/keys/separator/raw reads, and blocking.
import { blockUntilChanged, parseBlocking } from '../blocking.js';
import { queryFlag, SimHttpError, type Reply, type SimRequest } from '../http.js';
import type { ConsulState, KvEntry } from './state.js';

const LIMITS = { defaultMs: 300_000, maxMs: 600_000 };
const MAX_VALUE_BYTES = 512 * 1024;

function entryView(e: KvEntry): Record<string, unknown> {
  return {
    LockIndex: e.LockIndex, Key: e.Key, Flags: e.Flags,
    Value: e.Value === null ? null : e.Value.toString('base64'),
    CreateIndex: e.CreateIndex, ModifyIndex: e.ModifyIndex,
  };
}

function parseUint(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw new SimHttpError(400, `Invalid ${name} value: ${JSON.stringify(v)}`);
  return Number(v);
}

export function createKvHandlers(state: ConsulState, meta: (index: number) => Record<string, string>) {
  return {
    async get(req: SimRequest): Promise<Reply> {
      const key = req.params.key ?? '';
      const q = req.query;
      const listKeys = q.has('keys');
      const recurse = queryFlag(q, 'recurse') || listKeys;
      if (key === '' && !recurse) throw new SimHttpError(400, 'Missing key name');
      const params = parseBlocking(q, LIMITS);
      const readIndex = recurse ? () => state.kvPrefixIndex(key) : () => state.kvIndex(key);
      await blockUntilChanged({ hub: state.hub, keys: [recurse ? 'kv' : `kv:${key}`], readIndex, params, signal: req.signal, returnOnLower: true });
      const headers = meta(readIndex());
      if (listKeys) {
        const sep = q.get('separator') ?? '';
        const keys = new Set<string>();
        for (const k of [...state.kv.keys()].sort()) {
          if (!k.startsWith(key)) continue;
          const at = sep === '' ? -1 : k.indexOf(sep, key.length);
          keys.add(at === -1 ? k : k.slice(0, at + sep.length));
        }
        if (keys.size === 0) return { kind: 'text', status: 404, body: '', headers };
        return { kind: 'json', body: [...keys], headers };
      }
      const entries = recurse
        ? [...state.kv.values()].filter((e) => e.Key.startsWith(key)).sort((a, b) => (a.Key < b.Key ? -1 : 1))
        : [state.kv.get(key)].filter((e): e is KvEntry => e !== undefined);
      if (entries.length === 0) return { kind: 'text', status: 404, body: '', headers };
      if (q.has('raw') && !recurse) {
        return { kind: 'text', body: entries[0]?.Value ?? Buffer.alloc(0), headers, contentType: 'text/plain; charset=utf-8' };
      }
      return { kind: 'json', body: entries.map(entryView), headers };
    },

    async put(req: SimRequest): Promise<Reply> {
      const key = req.params.key ?? '';
      if (key === '') throw new SimHttpError(400, 'Missing key name');
      const value = await req.readBody();
      if (value.length > MAX_VALUE_BYTES) throw new SimHttpError(413, `Request body(${value.length} bytes) too large, max size: ${MAX_VALUE_BYTES} bytes.`);
      const flags = parseUint(req.query, 'flags') ?? 0;
      const cas = parseUint(req.query, 'cas');
      const existing = state.kv.get(key);
      if (cas !== undefined && (cas === 0 ? existing !== undefined : existing?.ModifyIndex !== cas)) return { kind: 'json', body: false };
      const idx = state.nextIndex();
      state.kv.set(key, { Key: key, Value: value, Flags: flags, LockIndex: 0, CreateIndex: existing?.CreateIndex ?? idx, ModifyIndex: idx });
      state.touchKv(key, idx, false);
      return { kind: 'json', body: true };
    },

    async delete(req: SimRequest): Promise<Reply> {
      const key = req.params.key ?? '';
      const recurse = queryFlag(req.query, 'recurse');
      const cas = parseUint(req.query, 'cas');
      if (key === '' && !recurse) throw new SimHttpError(400, 'Missing key name');
      if (cas !== undefined && !recurse) {
        const existing = state.kv.get(key);
        if (cas === 0 || existing === undefined || existing.ModifyIndex !== cas) return { kind: 'json', body: cas !== 0 && existing === undefined ? true : false };
      }
      const doomed = recurse ? [...state.kv.keys()].filter((k) => k.startsWith(key)) : state.kv.has(key) ? [key] : [];
      if (doomed.length === 0) return { kind: 'json', body: true };
      const idx = state.nextIndex();
      for (const k of doomed) {
        state.kv.delete(k);
        state.touchKv(k, idx, true);
      }
      return { kind: 'json', body: true };
    },
  };
}
