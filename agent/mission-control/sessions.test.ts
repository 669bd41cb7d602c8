import test from 'ava';
import type { IncomingMessage } from 'node:http';
import { createSessionStore, readCookie, SESSION_COOKIE } from './sessions.js';

function request(method: string, headers: Record<string, string>): IncomingMessage {
  return { method, headers } as unknown as IncomingMessage;
}

test('a session cookie names a session for reads, and for changes only with its CSRF value', (t) => {
  const store = createSessionStore({ ttlMs: 60_000 });
  const { session, cookie } = store.create();
  const cookieHeader = `other=1; ${SESSION_COOKIE}=${cookie}`;
  t.like(store.authenticate(request('GET', { cookie: cookieHeader })), { kind: 'session' });
  t.is(store.authenticate(request('POST', { cookie: cookieHeader })).kind, 'anonymous');
  t.is(store.authenticate(request('POST', { cookie: cookieHeader, 'x-hearth-csrf': 'wrong' })).kind, 'anonymous');
  t.like(store.authenticate(request('DELETE', { cookie: cookieHeader, 'x-hearth-csrf': session.csrf })), { kind: 'session', sessionId: session.key });
});

test('a forged, removed or expired cookie is anonymous', (t) => {
  let now = 1000;
  const store = createSessionStore({ ttlMs: 5000, now: () => now });
  const { session, cookie } = store.create();
  t.is(store.authenticate(request('GET', { cookie: `${SESSION_COOKIE}=${'A'.repeat(43)}` })).kind, 'anonymous');
  t.is(store.authenticate(request('GET', { cookie: `${SESSION_COOKIE}=<script>` })).kind, 'anonymous');
  now += 4000;
  t.is(store.authenticate(request('GET', { cookie: `${SESSION_COOKIE}=${cookie}` })).kind, 'session', 'use renews the session');
  now += 4000;
  t.is(store.authenticate(request('GET', { cookie: `${SESSION_COOKIE}=${cookie}` })).kind, 'session');
  now += 6000;
  t.is(store.authenticate(request('GET', { cookie: `${SESSION_COOKIE}=${cookie}` })).kind, 'anonymous');
  const again = store.create();
  store.remove(again.session.key);
  t.is(store.authenticate(request('GET', { cookie: `${SESSION_COOKIE}=${again.cookie}` })).kind, 'anonymous');
  t.not(session.key, cookie, 'the store keeps a hash, not the cookie value');
});

test('saved sessions are offered back without their cookie values, and expired ones are dropped', (t) => {
  const saved: unknown[] = [];
  const first = createSessionStore({ ttlMs: 60_000, onChange: (all) => saved.push(all) });
  const { cookie } = first.create();
  const last = saved.at(-1) as Parameters<typeof createSessionStore>[0]['initial'];
  t.false(JSON.stringify(last).includes(cookie));
  const second = createSessionStore({ ttlMs: 60_000, initial: last ?? [] });
  t.is(second.authenticate(request('GET', { cookie: `${SESSION_COOKIE}=${cookie}` })).kind, 'session');
  const later = createSessionStore({ ttlMs: 60_000, initial: last ?? [], now: () => Date.now() + 120_000 });
  t.is(later.size(), 0);
});

test('readCookie finds one cookie among several and nothing in an absent header', (t) => {
  t.is(readCookie('a=1; b=2;c=3', 'c'), '3');
  t.is(readCookie(undefined, 'a'), undefined);
  t.is(readCookie('ab=1', 'a'), undefined);
});
