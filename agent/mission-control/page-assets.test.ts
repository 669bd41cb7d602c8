import test from 'ava';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { RouteRequest } from '../http-api/route.js';
import { loadPageAssets } from './page-assets.js';

function built(index: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-mc-assets-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), index);
  return dir;
}

const get = (raw: unknown) => ({ raw, params: {}, query: new URLSearchParams() }) as unknown as RouteRequest;

test('index.html carries the session in its meta tag, escaped, and is then never stored', async (t) => {
  const dir = built('<head><meta name="hearth-session" content=""></head>');
  const page = loadPageAssets(dir, (req) => ({ signedIn: (req as unknown as { who: string }).who === 'a', csrf: '"><script>x</script>' }));
  const route = page.routes.find((r) => r.path === '/');
  const answer = await route!.handler(get({ who: 'a' } as unknown as IncomingMessage));
  const html = answer.bytes?.toString('utf8') ?? '';
  t.is(answer.headers?.['cache-control'], 'no-store');
  t.false(html.includes('<script>'));
  const content = /content="([^"]*)"/.exec(html)?.[1] ?? '';
  const decoded = content.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  t.deepEqual(JSON.parse(decoded), { signedIn: true, csrf: '"><script>x</script>' });
  t.regex(answer.headers?.['content-security-policy'] ?? '', /script-src 'self'/);
});

test('an asset goes out as the build compressed it when the browser accepts that, else as it is; the copies are not assets', async (t) => {
  const dir = built('<head></head>');
  writeFileSync(join(dir, 'assets', 'app.2.js'), 'export {}');
  writeFileSync(join(dir, 'assets', 'app.2.js.br'), brotliCompressSync('export {}'));
  writeFileSync(join(dir, 'assets', 'app.2.js.gz'), gzipSync('export {}'));
  const page = loadPageAssets(dir);
  const asset = page.routes.find((r) => r.path === '/assets/:file')!;
  const ask = (encoding: string | undefined) => asset.handler({ ...get({ headers: encoding === undefined ? {} : { 'accept-encoding': encoding } }), params: { file: 'app.2.js' } });
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
  const copy = await asset.handler({ ...get({ headers: {} }), params: { file: 'app.2.js.br' } });
  t.is(copy.status, 404);
});

test('a page that is not built answers 503 saying how to build it, and reports itself unbuilt', async (t) => {
  const page = loadPageAssets(join(tmpdir(), 'hearth-no-such-page'));
  t.false(page.built);
  const answer = await page.routes.find((r) => r.path === '/')!.handler(get({}));
  t.is(answer.status, 503);
  t.regex(answer.text ?? '', /npm run build/);
});
