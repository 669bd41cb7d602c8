// Mission Control's routes and WebSocket behind the real API server: sign-in,
// CSRF, forged cookies, cross-site sockets, the CSP and cache headers.
import test from 'ava';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createEventBus } from '../daemon/event-bus.js';
import { createApiServer } from '../http-api/server.js';
import type { Route } from '../http-api/route.js';
import { createSilentLogger } from '../log.js';
import { createEventHub } from './event-hub.js';
import { loadPageAssets } from './page-assets.js';
import { createSessionRoutes } from './session-routes.js';
import { createSessionStore } from './sessions.js';
import { createSnapshotCache } from './snapshot-cache.js';

const TOKEN = 'unit-token-3c9d';

function pageDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-mc-page-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, 'assets', 'app.0123456789ab.js'), 'export {}');
  return dir;
}

async function serve(t: import('ava').ExecutionContext, token: string | undefined) {
  const log = createSilentLogger();
  const sessions = createSessionStore({ ttlMs: 60_000 });
  const events = createEventBus(log);
  const snapshots = createSnapshotCache({ snapshot: () => ({ nodes: [], jobs: [], agents: [], errors: {} }), listExperts: () => [] });
  const hub = createEventHub({ events, log, snapshots, node: 'n1', pingMs: 60_000 });
  hub.start();
  const change: Route = { method: 'POST', path: '/api/v1/change', auth: 'token', handler: (req) => ({ status: 200, json: { by: req.principal.kind } }) };
  const server = createApiServer({
    listen: '127.0.0.1:0', token, log,
    routes: [...loadPageAssets(pageDir()).routes, ...createSessionRoutes({ sessions, token, ttlMs: 60_000 }), change],
    upgrades: [{ path: '/api/v1/events', auth: token === undefined ? 'none' : 'token', handle: (req, socket, head, principal) => hub.handleUpgrade(req, socket, head, principal) }],
    authenticate: sessions.authenticate,
  });
  const { port } = await server.start();
  t.teardown(async () => { await hub.stop(); await server.stop(); });
  return { url: `http://127.0.0.1:${port}`, port, events };
}

async function signIn(url: string, token: string): Promise<{ status: number; cookie: string; csrf: string; body: any }> {
  const res = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  const body = await res.json() as any;
  return { status: res.status, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: body.csrf, body };
}

function openSocket(url: string, headers: Record<string, string>): Promise<{ status: number; first?: any }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url.replace('http', 'ws') + '/api/v1/events', { headers });
    ws.once('message', (data) => { resolve({ status: 101, first: JSON.parse(String(data)) }); ws.close(); });
    ws.once('unexpected-response', (_req, res) => { resolve({ status: res.statusCode ?? 0 }); ws.terminate(); });
    ws.once('error', () => undefined);
  });
}

test('signing in with a wrong token is refused; the right one sets an HttpOnly SameSite=Strict cookie', async (t) => {
  const { url } = await serve(t, TOKEN);
  t.is((await signIn(url, 'wrong')).status, 401);
  const bad = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 42 }) });
  t.is(bad.status, 400);
  t.regex(((await bad.json()) as any).error.message, /Expected the request body field `token`.*got number/);
  const res = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
  const setCookie = res.headers.get('set-cookie') ?? '';
  t.regex(setCookie, /hearth_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict/);
  t.false(setCookie.includes(TOKEN));
});

test('a change with the session cookie needs the CSRF header; a forged cookie or a bearer header does not ride on a session', async (t) => {
  const { url } = await serve(t, TOKEN);
  const { cookie, csrf } = await signIn(url, TOKEN);
  const post = (headers: Record<string, string>) => fetch(`${url}/api/v1/change`, { method: 'POST', headers });
  t.is((await post({ cookie })).status, 401, 'no CSRF header: a cross-site form post');
  t.is((await post({ cookie, 'x-hearth-csrf': 'guess' })).status, 401);
  t.is((await post({ cookie: 'hearth_session=' + 'x'.repeat(43), 'x-hearth-csrf': csrf })).status, 401);
  const ok = await post({ cookie, 'x-hearth-csrf': csrf });
  t.is(ok.status, 200);
  t.deepEqual(await ok.json(), { by: 'session' });
  t.is((await post({ cookie, 'x-hearth-csrf': csrf, authorization: 'Bearer wrong' })).status, 401, 'a wrong bearer is never rescued by the cookie');
  const signOut = await fetch(`${url}/api/v1/session`, { method: 'DELETE', headers: { cookie, 'x-hearth-csrf': csrf } });
  t.is(signOut.status, 200);
  t.regex(signOut.headers.get('set-cookie') ?? '', /Max-Age=0/);
  t.is((await post({ cookie, 'x-hearth-csrf': csrf })).status, 401, 'signed out');
});

test('the page carries a strict CSP; hashed assets are immutable and index.html is not cached', async (t) => {
  const { url } = await serve(t, TOKEN);
  const page = await fetch(`${url}/`);
  t.is(page.status, 200);
  const csp = page.headers.get('content-security-policy') ?? '';
  t.regex(csp, /default-src 'self'/);
  t.regex(csp, /script-src 'self'/);
  t.false(csp.includes('unsafe-inline'));
  t.regex(csp, /frame-ancestors 'none'/);
  t.is(page.headers.get('cache-control'), 'no-cache');
  const asset = await fetch(`${url}/assets/app.0123456789ab.js`);
  t.is(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.regex(asset.headers.get('content-type') ?? '', /text\/javascript/);
  t.is((await fetch(`${url}/assets/..%2Findex.html`)).status, 404);
});

test('the WebSocket needs a session, refuses another origin, and sends bus events after its snapshot', async (t) => {
  const { url, port, events } = await serve(t, TOKEN);
  t.is((await openSocket(url, {})).status, 401);
  const { cookie } = await signIn(url, TOKEN);
  t.is((await openSocket(url, { cookie, origin: 'http://evil.example' })).status, 403);
  const hello = await openSocket(url, { cookie, origin: `http://127.0.0.1:${port}` });
  t.is(hello.status, 101);
  t.like(hello.first, { type: 'hello', node: 'n1', signedIn: true });
  const got = await new Promise<any>((resolve) => {
    const ws = new WebSocket(url.replace('http', 'ws') + '/api/v1/events', { headers: { cookie } });
    let n = 0;
    ws.on('message', (data) => {
      n += 1;
      if (n === 1) events.publish({ topic: 'memory', change: 'cleared' });
      else { resolve(JSON.parse(String(data))); ws.close(); }
    });
  });
  t.deepEqual(got, { type: 'bus', event: { topic: 'memory', change: 'cleared' } });
});

test('without a configured token nobody can sign in, the page says so, and the socket is read-only', async (t) => {
  const { url } = await serve(t, undefined);
  const session = await (await fetch(`${url}/api/v1/session`)).json();
  t.deepEqual(session, { tokenConfigured: false, signedIn: false });
  const refused = await signIn(url, 'anything');
  t.is(refused.status, 403);
  t.regex(refused.body.error.message, /read-only/);
  const hello = await openSocket(url, {});
  t.like(hello.first, { type: 'hello', signedIn: false });
});
