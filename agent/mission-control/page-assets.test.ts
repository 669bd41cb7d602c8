import test from 'ava';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { Principal, RouteRequest } from '../http-api/route.js';
import { loadPageAssets } from './page-assets.js';

function built(index: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-mc-assets-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), index);
  return dir;
}


const get = (raw: unknown, principal: Principal = { kind: 'anonymous' }) => ({ raw, principal, params: {}, query: new URLSearchParams() }) as unknown as RouteRequest;

const metaOf = (html: string, name: string): unknown => {
  const content = new RegExp(`<meta name="${name}" content="([^"]*)">`).exec(html)?.[1] ?? '';
  return content === '' ? undefined : JSON.parse(content.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
};

const SLOTS = '<head><meta name="hearth-session" content="">\n<meta name="hearth-snapshot" content=""></head>';

test('index.html carries the session in its meta tag, escaped, and is then never stored', async (t) => {
  const dir = built(SLOTS);
  const page = loadPageAssets(dir, (req) => ({ session: { signedIn: (req as unknown as { who: string }).who === 'a', csrf: '"><script>x</script>' } }));
  const route = page.routes.find((r) => r.path === '/');
  const answer = await route!.handler(get({ who: 'a' } as unknown as IncomingMessage));
  const html = answer.bytes?.toString('utf8') ?? '';
  t.is(answer.headers?.['cache-control'], 'no-store');
  t.false(html.includes('<script>'));
  t.deepEqual(metaOf(html, 'hearth-session'), { signedIn: true, csrf: '"><script>x</script>' });
  t.is(metaOf(html, 'hearth-snapshot'), undefined);
  t.regex(answer.headers?.['content-security-policy'] ?? '', /script-src 'self'/);
});

test('index.html carries the snapshot, escaped, only when the boot says this request may read it', async (t) => {
  const dir = built(SLOTS);
  const snapshot = { version: 'e.3', json: JSON.stringify({ cluster: { nodes: [{ name: '</head><script>x</script>' }] }, experts: [{ id: 'a&"b' }] }) };
  const page = loadPageAssets(dir, (_req, principal) => ({ session: {}, ...(principal.kind === 'anonymous' ? {} : { snapshot: { node: 'n"1', snapshot } }) }));
  const route = page.routes.find((r) => r.path === '/')!;
  const signed = (await route.handler(get({}, { kind: 'session', sessionId: 's' }))).bytes?.toString('utf8') ?? '';
  t.false(signed.includes('<script>'));
  t.deepEqual(metaOf(signed, 'hearth-snapshot'), { version: 'e.3', node: 'n"1', cluster: { nodes: [{ name: '</head><script>x</script>' }] }, experts: [{ id: 'a&"b' }] });
  const anonymous = (await route.handler(get({}))).bytes?.toString('utf8') ?? '';
  t.is(metaOf(anonymous, 'hearth-snapshot'), undefined);
});

test('an asset goes out as the build compressed it when the browser accepts that, and index.html names it in a Link header', async (t) => {
  const dir = built('<head><meta name="hearth-session" content=""><link rel="stylesheet" href="/assets/app.1.css"><script type="module" src="/assets/app.2.js"></script></head>');
  writeFileSync(join(dir, 'assets', 'app.2.js'), 'export {}');
  writeFileSync(join(dir, 'assets', 'app.2.js.br'), brotliCompressSync('export {}'));
  writeFileSync(join(dir, 'assets', 'app.2.js.gz'), gzipSync('export {}'));
  const page = loadPageAssets(dir, () => ({ session: {} }));
  const asset = page.routes.find((r) => r.path === '/assets/:file')!;
  const ask = (encoding: string | undefined) => asset.handler({ ...get({ headers: encoding === undefined ? {} : { 'accept-encoding': encoding } }), params: { file: 'app.2.js' } } as unknown as RouteRequest);
  const br = await ask('gzip, deflate, br');
  t.is(br.headers?.['content-encoding'], 'br');
  t.is(br.headers?.['vary'], 'accept-encoding');
  t.is(brotliDecompressSync(br.bytes!).toString(), 'export {}');
  const gz = await ask('gzip');
  t.is(gz.headers?.['content-encoding'], 'gzip');
  t.is(gunzipSync(gz.bytes!).toString(), 'export {}');
  const plain = await ask(undefined);
  t.is(plain.headers?.['content-encoding'], undefined);
  t.is(plain.bytes?.toString(), 'export {}');
  t.is(plain.contentType, 'text/javascript; charset=utf-8');
  const copy = await asset.handler({ ...get({ headers: {} }), params: { file: 'app.2.js.br' } } as unknown as RouteRequest);
  t.is(copy.status, 404);
  const index = await page.routes.find((r) => r.path === '/')!.handler(get({ headers: {} }));
  t.is(index.headers?.['link'], '</assets/app.2.js>; rel=modulepreload, </assets/app.1.css>; rel=preload; as=style');
});

test('a page that is not built answers 503 saying how to build it, and reports itself unbuilt', async (t) => {
  const page = loadPageAssets(join(tmpdir(), 'hearth-no-such-page'));
  t.false(page.built);
  const answer = await page.routes.find((r) => r.path === '/')!.handler(get({}));
  t.is(answer.status, 503);
  t.regex(answer.text ?? '', /npm run build/);
});
