import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSilentLogger } from '../../log.js';
import type { ApprovalRecord } from '../../tools/approval-gate.js';
import { openApprovalStore, type Timers } from './store.js';

function manualTimers(start = Date.parse('2030-01-01T00:00:00Z')) {
  let now = start;
  const pending: { at: number; fn: () => void; id: number }[] = [];
  let next = 0;
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = ++next;
      pending.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      const i = pending.findIndex((p) => p.id === id);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  return {
    timers,
    advance(ms: number) {
      now += ms;
      for (const p of pending.filter((x) => x.at <= now)) {
        pending.splice(pending.indexOf(p), 1);
        p.fn();
      }
    },
  };
}

const caller = { kind: 'operator', who: 'test' } as const;
const tempDir = () => mkdtempSync(join(tmpdir(), 'hearth-approvals-'));
const settle = () => new Promise((r) => setTimeout(r, 50));

test('a pending request survives a restart and can still be decided there', async (t) => {
  const dir = tempDir();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const clock = manualTimers();
  const first = await openApprovalStore({ dir, deadlineMs: 120_000, log: createSilentLogger(), timers: clock.timers });
  const id = await new Promise<string>((resolve) => {
    void first.request({ tool: 'power.set_idle_threshold', args: { service: 'a', duration: '5m' }, caller }, { signal: new AbortController().signal, onPending: (p) => resolve(p.id) });
  });
  first.stop(); // the agent dies here
  const second = await openApprovalStore({ dir, deadlineMs: 120_000, log: createSilentLogger(), timers: clock.timers });
  t.is(second.get(id)?.status, 'pending');
  const decided = await second.decide(id, { decision: 'approve' }, 'api token');
  t.is(decided.status, 'approved');
  t.is(second.list('pending').length, 0);
  second.stop();
});

test('a pending request whose deadline passed while the agent was down expires at start', async (t) => {
  const dir = tempDir();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const clock = manualTimers();
  const changes: ApprovalRecord[] = [];
  const first = await openApprovalStore({ dir, deadlineMs: 120_000, log: createSilentLogger(), timers: clock.timers });
  const id = await new Promise<string>((resolve) => {
    void first.request({ tool: 't', args: {}, caller }, { signal: new AbortController().signal, onPending: (p) => resolve(p.id) });
  });
  first.stop();
  clock.advance(121_000);
  let expired!: () => void;
  const seen = new Promise<void>((resolve) => (expired = resolve));
  const second = await openApprovalStore({ dir, deadlineMs: 120_000, log: createSilentLogger(), timers: clock.timers, onChange: (r) => (changes.push(r), r.status === 'expired' && expired()) });
  clock.advance(0);
  await seen;
  t.is(second.get(id)?.status, 'expired');
  t.is(changes.at(-1)?.status, 'expired');
  await t.throwsAsync(second.decide(id, { decision: 'approve' }, 'api token'), { message: /already expired/ });
  second.stop();
});

test('the deadline denies a request nobody answered', async (t) => {
  const dir = tempDir();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const clock = manualTimers();
  const store = await openApprovalStore({ dir, deadlineMs: 60_000, log: createSilentLogger(), timers: clock.timers });
  let filed!: () => void;
  const pending = new Promise<void>((resolve) => (filed = resolve));
  const decision = store.request({ tool: 't', args: {}, caller }, { signal: new AbortController().signal, onPending: () => filed() });
  await pending;
  clock.advance(59_999);
  await settle();
  t.is(store.list('pending').length, 1);
  clock.advance(1);
  t.is((await decision).kind, 'expired');
  store.stop();
});

test('an unknown id is refused and a torn last audit line does not hide the others', async (t) => {
  const dir = tempDir();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openApprovalStore({ dir, deadlineMs: 60_000, log: createSilentLogger() });
  await t.throwsAsync(store.decide('nope', { decision: 'approve' }, 'x'), { code: 'HEARTH_ERR_NOT_FOUND' } as never);
  const controller = new AbortController();
  let filed!: () => void;
  const pending = new Promise<void>((resolve) => (filed = resolve));
  const decision = store.request({ tool: 't', args: { a: 1 }, caller }, { signal: controller.signal, onPending: () => filed() });
  await pending;
  controller.abort();
  t.is((await decision).kind, 'denied', 'a request whose asker went away is denied, so it can never run later');
  appendFileSync(join(dir, 'twin-approvals-audit.jsonl'), '{"kind":"requ');
  const entries = await store.audit.read();
  t.deepEqual(entries.map((e) => e.kind), ['requested', 'decided']);
  store.stop();
});

test('a store file that is not an approvals document is reported, not replaced', async (t) => {
  const dir = tempDir();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'twin-approvals.json'), '{"version":1,"data":{"requests":"nope"}}');
  await t.throwsAsync(openApprovalStore({ dir, deadlineMs: 60_000, log: createSilentLogger() }), { code: 'HEARTH_ERR_STATE' } as never);
  t.regex(readFileSync(join(dir, 'twin-approvals.json'), 'utf8'), /nope/);
});
