import test from 'ava';
import { mkdtemp, readFile, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSilentLogger } from '../log.js';
import { isHearthError } from '../errors.js';
import { openJoinStateStore, JOIN_STATE_FILE } from './state.js';
import { createFailureLimiter } from './rate-limit.js';
import { createJoinService, type JoinService } from './service.js';
import type { InventoryHost } from './inventory.js';

const MAC = '52:54:00:aa:00:01';
const HOST = 'node-1';

interface Harness {
  readonly service: JoinService;
  readonly dir: string;
  readonly added: InventoryHost[];
  readonly provisioned: string[];
  advance(ms: number): void;
  reopen(): Promise<JoinService>;
}

async function createHarness(t: import('ava').ExecutionContext, failureLimit = 5): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'hjoin-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  let now = Date.parse('2026-01-01T00:00:00Z');
  const added: InventoryHost[] = [];
  const provisioned: string[] = [];
  const build = async () =>
    createJoinService({
      store: await openJoinStateStore(dir),
      inventory: { addWorker: async (host) => void added.push(host) },
      provisioner: { enqueue: (hostname) => void provisioned.push(hostname) },
      limiter: createFailureLimiter({ limit: failureLimit, windowMs: 600_000, now: () => now }),
      defaultTtlMs: 3_600_000,
      now: () => now,
      log: createSilentLogger(),
    });
  return {
    service: await build(),
    dir,
    added,
    provisioned,
    advance: (ms) => {
      now += ms;
    },
    reopen: build,
  };
}

async function refusal(t: import('ava').ExecutionContext, promise: Promise<unknown>): Promise<{ status: unknown; reason: unknown }> {
  const err = await t.throwsAsync(promise);
  if (!isHearthError(err, 'HEARTH_ERR_JOIN')) {
    t.fail(`expected HEARTH_ERR_JOIN, got ${String(err)}`);
    return { status: undefined, reason: undefined };
  }
  return { status: err.details['status'], reason: err.details['reason'] };
}

test('a join token is accepted once and a replay is refused with 401', async (t) => {
  const h = await createHarness(t);
  const { token } = await h.service.issueToken({ hostname: HOST, mac: MAC, ttl: '1h' }, 'test');
  const enrolled = await h.service.enroll({ token, hostname: HOST, mac: MAC, client: '10.0.0.5' });
  t.regex(enrolled.enrollKey, /^[0-9a-f]{64}$/);
  t.like(await refusal(t, h.service.enroll({ token, hostname: HOST, mac: MAC, client: '10.0.0.5' })), { status: 401, reason: 'token-reused' });
  t.like(h.service.listNodes(), [{ hostname: HOST, mac: MAC, status: 'installing' }]);
});

test('an expired join token is refused and the node stays pending as expired', async (t) => {
  const h = await createHarness(t);
  const { token } = await h.service.issueToken({ hostname: HOST, mac: MAC, ttl: '5m' }, 'test');
  h.advance(5 * 60_000);
  t.like(await refusal(t, h.service.enroll({ token, hostname: HOST, mac: MAC, client: '10.0.0.5' })), { status: 401, reason: 'token-expired' });
  t.like(h.service.listNodes(), [{ hostname: HOST, status: 'expired' }]);
  t.false(h.service.mayInstall(MAC));
});

test('a join token presented for another MAC or hostname is refused with 403 and stays unused', async (t) => {
  const h = await createHarness(t);
  const { token } = await h.service.issueToken({ hostname: HOST, mac: MAC }, 'test');
  t.like(await refusal(t, h.service.enroll({ token, hostname: HOST, mac: '52:54:00:aa:00:02', client: '10.0.0.5' })), { status: 403 });
  t.like(await refusal(t, h.service.enroll({ token, hostname: 'node-2', mac: MAC, client: '10.0.0.5' })), { status: 403 });
  t.true(h.service.mayInstall(MAC));
  await t.notThrowsAsync(h.service.enroll({ token, hostname: HOST, mac: MAC, client: '10.0.0.5' }));
});

test('an unknown token is refused, and the state file stores only hashes', async (t) => {
  const h = await createHarness(t);
  const { token } = await h.service.issueToken({ hostname: HOST, mac: MAC }, 'test');
  t.like(await refusal(t, h.service.enroll({ token: 'ab'.repeat(32), hostname: HOST, mac: MAC, client: '10.0.0.5' })), { status: 401, reason: 'unknown-token' });
  const stored = await readFile(join(h.dir, JOIN_STATE_FILE), 'utf8');
  t.false(stored.includes(token));
  t.regex(stored, /"hash": "[0-9a-f]{64}"/);
});

test('a client that keeps failing is refused with 429 even when it finally sends a good token', async (t) => {
  const h = await createHarness(t, 3);
  const { token } = await h.service.issueToken({ hostname: HOST, mac: MAC }, 'test');
  for (let i = 0; i < 3; i += 1) {
    await refusal(t, h.service.enroll({ token: 'cd'.repeat(32), hostname: HOST, mac: MAC, client: '10.0.0.66' }));
  }
  t.like(await refusal(t, h.service.enroll({ token, hostname: HOST, mac: MAC, client: '10.0.0.66' })), { status: 429, reason: 'rate-limited' });
  t.true(h.service.mayInstall(MAC), 'the refused attempt did not use the token');
  await t.notThrowsAsync(h.service.enroll({ token, hostname: HOST, mac: MAC, client: '10.0.0.7' }), 'another client is not blocked');
  h.advance(600_001);
  t.like(await refusal(t, h.service.enroll({ token: 'cd'.repeat(32), hostname: HOST, mac: MAC, client: '10.0.0.66' })), { status: 401 }, 'the window has passed');
});

test('tokens and enrolments survive a restart of the service', async (t) => {
  const h = await createHarness(t);
  const first = await h.service.issueToken({ hostname: HOST, mac: MAC }, 'test');
  const second = await h.service.issueToken({ hostname: 'node-2', mac: '52:54:00:aa:00:02' }, 'test');
  await h.service.enroll({ token: first.token, hostname: HOST, mac: MAC, client: '10.0.0.5' });
  const restarted = await h.reopen();
  await refusal(t, restarted.enroll({ token: first.token, hostname: HOST, mac: MAC, client: '10.0.0.5' }));
  await t.notThrowsAsync(restarted.enroll({ token: second.token, hostname: 'node-2', mac: '52:54:00:aa:00:02', client: '10.0.0.6' }));
  t.deepEqual(restarted.listNodes().map((n) => n.status), ['installing', 'installing']);
});

test('completing with the enrolment key joins the node: inventory, provisioning, and the key is spent', async (t) => {
  const h = await createHarness(t);
  const { token } = await h.service.issueToken({ hostname: HOST, mac: MAC }, 'test');
  const { enrollKey } = await h.service.enroll({ token, hostname: HOST, mac: MAC, client: '10.0.0.5' });
  t.like(await refusal(t, h.service.complete({ enrollKey, hostname: 'node-9', mac: MAC, client: '10.0.0.5' })), { status: 403 });
  await h.service.complete({ enrollKey, hostname: HOST, mac: MAC, client: '::ffff:10.0.0.5' });
  t.deepEqual(h.added, [{ hostname: HOST, mac: MAC, address: '10.0.0.5' }]);
  t.deepEqual(h.provisioned, [HOST]);
  t.like(h.service.listNodes(), [{ hostname: HOST, status: 'joined', provision: 'queued' }]);
  t.like(await refusal(t, h.service.complete({ enrollKey, hostname: HOST, mac: MAC, client: '10.0.0.5' })), { status: 401 });
  t.deepEqual(h.provisioned, [HOST], 'nothing is provisioned twice');
});

test('a joined node gets no new token unless a reinstall is asked for', async (t) => {
  const h = await createHarness(t);
  const { token } = await h.service.issueToken({ hostname: HOST, mac: MAC }, 'test');
  await h.service.enroll({ token, hostname: HOST, mac: MAC, client: '10.0.0.5' });
  t.like(await refusal(t, h.service.issueToken({ hostname: HOST, mac: MAC }, 'test')), { status: 409 });
  t.false(h.service.mayInstall(MAC));
  await h.service.issueToken({ hostname: HOST, mac: MAC, reinstall: true }, 'test');
  t.true(h.service.mayInstall(MAC));
  t.like(h.service.listNodes(), [{ hostname: HOST, status: 'pending' }]);
});

test('a new token for a node supersedes its earlier unused one', async (t) => {
  const h = await createHarness(t);
  const old = await h.service.issueToken({ hostname: HOST, mac: MAC }, 'test');
  const fresh = await h.service.issueToken({ hostname: HOST, mac: MAC }, 'test');
  await refusal(t, h.service.enroll({ token: old.token, hostname: HOST, mac: MAC, client: '10.0.0.5' }));
  await t.notThrowsAsync(h.service.enroll({ token: fresh.token, hostname: HOST, mac: MAC, client: '10.0.0.5' }));
});

test('a bad MAC, hostname or ttl is refused with a clear message and changes nothing', async (t) => {
  const h = await createHarness(t);
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ hostname: HOST, mac: '52:54:00:aa:00' }, /Expected a MAC address such as 52:54:00:12:34:56 for `mac` \(from POST \/api\/v1\/join\/tokens\), got "52:54:00:aa:00" \(string\)\./],
    [{ hostname: 'Node_1;reboot', mac: MAC }, /Expected a lower-case hostname .* for `hostname` \(from POST \/api\/v1\/join\/tokens\)/],
    [{ hostname: HOST, mac: MAC, ttl: '30d' }, /Expected a duration from "1m" to "168h" .* for `ttl`.*got "30d"/],
    [{ hostname: HOST, mac: MAC, ttl: 3600 }, /for `ttl`.*got `3600` \(number\)/],
  ];
  for (const [request, message] of cases) {
    const err = await t.throwsAsync(h.service.issueToken(request as never, 'POST /api/v1/join/tokens'));
    t.true(isHearthError(err, 'HEARTH_ERR_INVALID_INPUT'));
    t.regex(err?.message ?? '', message);
  }
  t.deepEqual(h.service.listNodes(), []);
  t.deepEqual(await readdir(h.dir), [], 'no state file was written');
});
