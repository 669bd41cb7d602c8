// A small in-memory Consul agent for the unit tests of this folder: agent
// service registration, TTL checks, health/service, health/state and
// catalog/services and catalog/service with real index-based blocking (one index for everything),
// and KV. The state lives apart from the server so a
// test can stop the server and bring it back on the same port.
import type { ServerResponse } from 'node:http';
import { sendJson, sendText, startFakeServer, type FakeServer, type RecordedRequest } from './fake-http-server.js';
import type { CheckStatus } from '../../agent/consul/types.js';

interface FakeInstance {
  id: string;
  name: string;
  address: string;
  port: number;
  tags: string[];
  meta: Record<string, string>;
  checks: Map<string, CheckStatus>;
}

export interface FakeConsulState {
  readonly instances: Map<string, FakeInstance>;
  readonly kv: Map<string, { value: string; modifyIndex: number }>;
  index: number;
  /** Answer every request with 403 while true. */
  denyAll: boolean;
  /** Requests currently held by a blocking query. */
  readonly blocked: number;
  /** The most requests ever held at once. */
  readonly peakBlocked: number;
  setCheck(serviceId: string, status: CheckStatus): void;
  /** Drops every service and KV entry and lowers the index, like a dev-mode restart. */
  wipe(): void;
  bump(): void;
  waitForChange(afterIndex: number, waitMs: number, onClose: (cb: () => void) => void): Promise<void>;
}

export function createFakeConsulState(): FakeConsulState {
  const waiters = new Set<() => void>();
  let peakBlocked = 0;
  const state: FakeConsulState = {
    instances: new Map(),
    kv: new Map(),
    index: 10,
    denyAll: false,
    get blocked() {
      return waiters.size;
    },
    get peakBlocked() {
      return peakBlocked;
    },
    setCheck(serviceId, status) {
      const instance = state.instances.get(serviceId);
      if (instance === undefined) throw new Error(`no service ${serviceId}`);
      for (const id of instance.checks.keys()) instance.checks.set(id, status);
      state.bump();
    },
    wipe() {
      state.instances.clear();
      state.kv.clear();
      state.index = 2;
      for (const wake of [...waiters]) wake();
    },
    bump() {
      state.index += 1;
      for (const wake of [...waiters]) wake();
    },
    waitForChange(afterIndex, waitMs, onClose) {
      if (afterIndex <= 0 || state.index > afterIndex) return Promise.resolve();
      return new Promise((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, waitMs);
        waiters.add(wake);
        peakBlocked = Math.max(peakBlocked, waiters.size);
        onClose(wake);
      });
    },
  };
  return state;
}

function parseWaitMs(text: string | null): number {
  if (text === null) return 300_000;
  const match = /^(\d+)(ms|s|m)$/.exec(text);
  if (match === null) return 300_000;
  return Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 's' ? 1000 : 60_000);
}

function worst(checks: Map<string, CheckStatus>): CheckStatus {
  const statuses = [...checks.values()];
  if (statuses.includes('critical')) return 'critical';
  if (statuses.includes('warning')) return 'warning';
  return 'passing';
}

function checksInState(state: FakeConsulState, wanted: string): unknown[] {
  return [...state.instances.values()].flatMap((i) =>
    [...i.checks]
      .filter(([, status]) => wanted === 'any' || status === wanted)
      .map(([checkId, status]) => ({ Node: 'node-1', CheckID: checkId, Name: checkId, Status: status, Output: '', ServiceID: i.id, ServiceName: i.name })),
  );
}

function healthEntries(state: FakeConsulState, name: string, passingOnly: boolean): unknown[] {
  return [...state.instances.values()]
    .filter((i) => i.name === name && (!passingOnly || worst(i.checks) === 'passing'))
    .map((i) => ({
      Node: { ID: 'node-id-1', Node: 'node-1', Address: '127.0.0.1', Datacenter: 'dc1' },
      Service: { ID: i.id, Service: i.name, Tags: i.tags, Address: i.address, Meta: i.meta, Port: i.port },
      Checks: [...i.checks].map(([checkId, status]) => ({ Node: 'node-1', CheckID: checkId, Name: checkId, Status: status, Output: '', ServiceID: i.id, ServiceName: i.name })),
    }));
}

/** /v1/catalog/service/:name as Consul answers it: one flat row per instance, its Meta as ServiceMeta. */
function catalogEntries(state: FakeConsulState, name: string): unknown[] {
  return [...state.instances.values()]
    .filter((i) => i.name === name)
    .map((i) => ({
      ID: 'node-id-1', Node: 'node-1', Address: '127.0.0.1', Datacenter: 'dc1',
      ServiceID: i.id, ServiceName: i.name, ServiceTags: i.tags, ServiceAddress: i.address, ServicePort: i.port, ServiceMeta: i.meta,
    }));
}

async function handle(state: FakeConsulState, req: RecordedRequest, res: ServerResponse): Promise<void> {
  if (state.denyAll) return sendText(res, 403, 'Permission denied: token with AccessorID \'anonymous\' lacks permission');
  const indexHeader = (): Record<string, string> => ({ 'x-consul-index': String(state.index) });
  const blockThenAnswer = async (answer: () => unknown): Promise<void> => {
    await state.waitForChange(Number(req.query.get('index') ?? 0), parseWaitMs(req.query.get('wait')), (cb) => res.on('close', cb));
    if (!res.destroyed) sendJson(res, 200, answer(), indexHeader());
  };
  const parts = req.path.split('/').slice(2).map(decodeURIComponent);
  const route = `${req.method} ${parts.slice(0, 3).join('/')}`;
  if (route === 'GET catalog/services') {
    return blockThenAnswer(() => Object.fromEntries([...state.instances.values()].map((i) => [i.name, i.tags])));
  }
  if (route === `GET health/state/${parts[2]}`) {
    return blockThenAnswer(() => checksInState(state, parts[2] ?? ''));
  }
  if (route === `GET health/service/${parts[2]}`) {
    return blockThenAnswer(() => healthEntries(state, parts[2] ?? '', req.query.has('passing')));
  }
  if (route === `GET catalog/service/${parts[2]}`) {
    return blockThenAnswer(() => catalogEntries(state, parts[2] ?? ''));
  }
  if (route === 'PUT agent/service/register') {
    const body = JSON.parse(req.body) as { ID?: string; Name: string; Address?: string; Port?: number; Tags?: string[]; Meta?: Record<string, string>; Checks?: Array<{ CheckID?: string; Status?: CheckStatus }> };
    const id = body.ID ?? body.Name;
    const checks = new Map<string, CheckStatus>();
    (body.Checks ?? []).forEach((c, n) => checks.set(c.CheckID ?? `service:${id}:${n + 1}`, c.Status ?? 'critical'));
    state.instances.set(id, { id, name: body.Name, address: body.Address ?? '', port: body.Port ?? 0, tags: body.Tags ?? [], meta: body.Meta ?? {}, checks });
    state.bump();
    return sendText(res, 200, '');
  }
  if (route === `PUT agent/service/deregister`) {
    const id = parts[3] ?? '';
    if (!state.instances.delete(id)) return sendText(res, 404, `Unknown service ID "${id}". Ensure that the service ID is passed, not the service name.`);
    state.bump();
    return sendText(res, 200, '');
  }
  if (route === `GET agent/service/${parts[2]}`) {
    const i = state.instances.get(parts[2] ?? '');
    if (i === undefined) return sendText(res, 404, `unknown service ID: ${parts[2]}`);
    return sendJson(res, 200, { ID: i.id, Service: i.name, Tags: i.tags, Meta: i.meta, Port: i.port, Address: i.address, ContentHash: String(state.index) });
  }
  if (route === 'GET agent/services') {
    return sendJson(res, 200, Object.fromEntries([...state.instances.values()].map((i) => [i.id, { ID: i.id, Service: i.name, Tags: i.tags, Meta: i.meta, Port: i.port, Address: i.address }])));
  }
  if (req.method === 'PUT' && parts[0] === 'agent' && parts[1] === 'check') {
    const checkId = parts.slice(3).join('/');
    const status: CheckStatus = parts[2] === 'pass' ? 'passing' : parts[2] === 'warn' ? 'warning' : 'critical';
    const owner = [...state.instances.values()].find((i) => i.checks.has(checkId));
    if (owner === undefined) return sendText(res, 404, `Unknown check ID "${checkId}". Ensure that the check ID is passed, not the check name.`);
    owner.checks.set(checkId, status);
    state.bump();
    return sendText(res, 200, '');
  }
  if (parts[0] === 'kv') return handleKv(state, req, res, parts.slice(1).join('/'));
  return sendText(res, 404, 'no such endpoint in the fake');
}

function handleKv(state: FakeConsulState, req: RecordedRequest, res: ServerResponse, key: string): void {
  const header = { 'x-consul-index': String(state.index) };
  const entry = (k: string, e: { value: string; modifyIndex: number }) => ({
    Key: k, Value: Buffer.from(e.value).toString('base64'), Flags: 0, LockIndex: 0, CreateIndex: e.modifyIndex, ModifyIndex: e.modifyIndex,
  });
  if (req.method === 'GET') {
    const found = req.query.has('recurse')
      ? [...state.kv].filter(([k]) => k.startsWith(key)).map(([k, e]) => entry(k, e))
      : state.kv.has(key) ? [entry(key, state.kv.get(key)!)] : [];
    if (found.length === 0) return sendText(res, 404, '', header);
    return sendJson(res, 200, found, header);
  }
  const cas = req.query.get('cas');
  const current = state.kv.get(key);
  if (cas !== null && Number(cas) !== (current?.modifyIndex ?? 0)) return sendJson(res, 200, false);
  state.index += 1;
  if (req.method === 'PUT') state.kv.set(key, { value: req.body, modifyIndex: state.index });
  else if (req.query.has('recurse')) for (const k of [...state.kv.keys()]) { if (k.startsWith(key)) state.kv.delete(k); }
  else state.kv.delete(key);
  return sendJson(res, 200, true);
}

/** Serves `state` on 127.0.0.1 (an ephemeral port unless `port` is given). */
export function startFakeConsul(state: FakeConsulState, port = 0): Promise<FakeServer> {
  return startFakeServer((req, res) => handle(state, req, res), port);
}
