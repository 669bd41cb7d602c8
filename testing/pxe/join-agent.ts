// A control node's agent for the boot tests: the join module behind the real
// HTTP API server on loopback, with a recorder of every join call it answered.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSilentLogger } from '../../agent/log.js';
import { createApiServer } from '../../agent/http-api/server.js';
import type { Route } from '../../agent/http-api/route.js';
import { createJoinModule, type JoinModule } from '../../agent/join/module.js';
import { configSchema } from '../../agent/config/schema.js';

export interface RecordedCall {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
  readonly response: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface JoinAgent {
  readonly url: string;
  readonly port: number;
  readonly apiToken: string;
  readonly dir: string;
  readonly inventory: string;
  readonly module: JoinModule;
  readonly calls: RecordedCall[];
  /** Resolves with the first call that matches. */
  waitForCall(match: (call: RecordedCall) => boolean): Promise<RecordedCall>;
}

function recordCalls(routes: readonly Route[], calls: RecordedCall[], notify: () => void): Route[] {
  return routes.map((route) => ({
    ...route,
    handler: async (req) => {
      const response = await route.handler(req);
      calls.push({ at: Date.now(), method: req.method, path: req.raw.url ?? '', status: response.status, body: req.body, response: response.json, headers: { ...req.raw.headers } });
      notify();
      return response;
    },
  }));
}

/** Starts the agent on 127.0.0.1 (a qemu guest reaches it at 10.0.2.2); stopped and removed on teardown. */
/** Registers a cleanup: a test's t.teardown, or a list a hook runs in test.after.always. */
export type Teardown = (cleanup: () => Promise<void> | void) => void;

export async function startJoinAgent(teardown: Teardown, provisioner: readonly string[] = ['true']): Promise<JoinAgent> {
  const dir = await mkdtemp(join(tmpdir(), 'hpxe-agent-'));
  const inventory = join(dir, 'inventory.yaml');
  await writeFile(inventory, 'all:\n  children:\n    controller_nodes:\n      hosts:\n        ctl-1: {}\n    worker_nodes:\n      hosts: {}\n');
  const apiToken = 'pxe-test-api-token';
  const config = configSchema().parse({
    state: { dir: join(dir, 'state') },
    join: { inventory, playbook: join(dir, 'playbook.yaml'), provisioner: [...provisioner], sshWait: '0s' },
  });
  const log = createSilentLogger();
  const module = createJoinModule({ config, log });
  await module.start();
  const calls: RecordedCall[] = [];
  const waiters = new Set<() => void>();
  const server = createApiServer({
    listen: '127.0.0.1:0',
    token: apiToken,
    log,
    routes: recordCalls(module.routes, calls, () => waiters.forEach((wake) => wake())),
  });
  const { port } = await server.start();
  teardown(async () => {
    await server.stop();
    await module.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    apiToken,
    dir,
    inventory,
    module,
    calls,
    waitForCall(match) {
      return new Promise((resolve) => {
        const check = () => {
          const found = calls.find(match);
          if (found === undefined) return;
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
