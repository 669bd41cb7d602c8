// Runs the twin module on its own behind the real API server on loopback:
// a temporary state dir, the repository's prompts (or a given folder), the
// experts given (usually fake OpenAI servers), an event bus the test reads.
// `sendMessage` posts a message and parses the SSE stream into TurnEvents.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { configSchema, type HearthConfigInput } from '../../agent/config/schema.js';
import { createEventBus, type BusEvent } from '../../agent/daemon/event-bus.js';
import type { AgentModule, ModuleDeps } from '../../agent/daemon/modules.js';
import { createApiServer } from '../../agent/http-api/server.js';
import type { Route } from '../../agent/http-api/route.js';
import { createSilentLogger } from '../../agent/log.js';
import { readTurnEvents } from '../../agent/twin/sse-frames.js';
import type { TurnEvent } from '../../agent/twin/events.js';
import { createTwinModule } from '../../agent/twin/module.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

export interface ExpertRow {
  name: string;
  address: string;
  port: number;
  health?: string;
  meta?: Record<string, string>;
}

export interface TwinHarness {
  readonly url: string;
  readonly stateDir: string;
  readonly bus: BusEvent[];
  readonly module: AgentModule;
  experts: ExpertRow[];
  api(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; json: any }>;
  createConversation(): Promise<string>;
  sendMessage(conversation: string, text: unknown, options?: { signal?: AbortSignal; onEvent?: (e: TurnEvent) => void }): Promise<{ status: number; events: TurnEvent[]; error?: any }>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTwinHarness(options: { config?: HearthConfigInput; experts?: ExpertRow[]; stateDir?: string; powerRoutes?: () => readonly Route[]; keepState?: boolean } = {}): Promise<TwinHarness> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'hearth-twin-'));
  const bus: BusEvent[] = [];
  const log = createSilentLogger();
  const events = createEventBus(log);
  events.subscribe((e) => bus.push(e));
  const base = options.config ?? {};
  const config = configSchema().parse({ ...base, state: { dir: stateDir }, api: { listen: '127.0.0.1:0', token: TEST_TOKEN }, power: { enabled: false } });
  const harness = { experts: options.experts ?? [] } as { experts: ExpertRow[] };
  let module: AgentModule;
  let server: ReturnType<typeof createApiServer>;
  let url = '';

  const boot = async () => {
    const deps: ModuleDeps = {
      config,
      log,
      node: { name: 'test-node', address: '127.0.0.1', source: 'config' },
      backends: undefined as unknown as ModuleDeps['backends'],
      metricsRegistry: new Registry(),
      events,
      listExperts: () => harness.experts.map((e) => ({ id: e.name, node: 'test-node', tags: [], health: 'passing', ...e })),
    };
    module = createTwinModule(deps, options.powerRoutes === undefined ? {} : { powerRoutes: options.powerRoutes });
    await module.start();
    server = createApiServer({ listen: '127.0.0.1:0', token: TEST_TOKEN, log, routes: [...(module.routes ?? [])] });
    const bound = await server.start();
    url = `http://127.0.0.1:${bound.port}`;
  };
  await boot();

  const api: TwinHarness['api'] = async (method, path, body, token = TEST_TOKEN) => {
    const response = await fetch(url + path, {
      method,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json };
  };

  return Object.assign(harness, {
    get url() {
      return url;
    },
    stateDir,
    bus,
    get module() {
      return module;
    },
    api,
    async createConversation() {
      const created = await api('POST', '/api/v1/conversations');
      return (created.json as { id: string }).id;
    },
    async sendMessage(conversation: string, text: unknown, opts: { signal?: AbortSignal; onEvent?: (e: TurnEvent) => void } = {}) {
      const response = await fetch(`${url}/api/v1/conversations/${conversation}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      });
      if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return { status: response.status, events: [], error: await response.json() };
      const events = await readSse(response, opts.onEvent);
      return { status: response.status, events };
    },
    async restart() {
      await server.stop();
      await module.stop();
      await boot();
    },
    async close() {
      await server.stop();
      await module.stop();
      if (options.keepState !== true && options.stateDir === undefined) rmSync(stateDir, { recursive: true, force: true });
    },
  }) as TwinHarness;
}

/** Parses `event: X\ndata: JSON\n\n` frames; stops quietly when the stream is cut. */
export async function readSse(response: Response, onEvent?: (e: TurnEvent) => void): Promise<TurnEvent[]> {
  const events: TurnEvent[] = [];
  try {
    for await (const event of readTurnEvents(response.body as unknown as AsyncIterable<Uint8Array>)) {
      events.push(event);
      onEvent?.(event);
    }
  } catch {
    // cut short (abort): the events so far stand
  }
  return events;
}
