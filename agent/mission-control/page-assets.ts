// The built page (dist/web, written by bin/build-page.mjs) served from memory:
// index.html is never cached, the hashed assets are immutable for a year and
// sent as the build compressed them.
// Every answer carries the strict Content-Security-Policy: scripts and styles
// only from this origin, nothing inline, no frames.
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { extname, join } from 'node:path';
import type { Route, RouteResponse } from '../http-api/route.js';
import { chooseEncoding, ENCODING_SUFFIX, type AssetEncoding } from './asset-encoding.js';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.html': 'text/html; charset=utf-8',
};

interface Asset {
  readonly bytes: Buffer;
  readonly contentType: string;
  /** The build's precompressed copies of it. */
  readonly encoded: Partial<Record<AssetEncoding, Buffer>>;
}

export interface PageAssets {
  readonly routes: readonly Route[];
  /** False when the page was never built (dist/web missing): / then says how to build it. */
  readonly built: boolean;
}

function readAssets(dir: string): Map<string, Asset> | undefined {
  let names: string[];
  try {
    names = readdirSync(join(dir, 'assets'));
  } catch {
    return undefined;
  }
  const assets = new Map<string, Asset>();
  const copies = new Set(names.filter((name) => Object.values(ENCODING_SUFFIX).some((suffix) => name.endsWith(suffix))));
  for (const name of names) {
    if (copies.has(name)) continue;
    const encoded: Partial<Record<AssetEncoding, Buffer>> = {};
    for (const [encoding, suffix] of Object.entries(ENCODING_SUFFIX) as [AssetEncoding, string][]) {
      if (copies.has(name + suffix)) encoded[encoding] = readFileSync(join(dir, 'assets', name + suffix));
    }
    assets.set(name, { bytes: readFileSync(join(dir, 'assets', name)), contentType: TYPES[extname(name)] ?? 'application/octet-stream', encoded });
  }
  return assets;
}

function assetResponse(asset: Asset, acceptEncoding: string | string[] | undefined): RouteResponse {
  const encoding = chooseEncoding(acceptEncoding, Object.keys(asset.encoded) as AssetEncoding[]);
  const headers = { ...PAGE_HEADERS, 'cache-control': 'public, max-age=31536000, immutable', vary: 'accept-encoding' };
  const bytes = encoding === undefined ? undefined : asset.encoded[encoding];
  if (encoding === undefined || bytes === undefined) return { status: 200, bytes: asset.bytes, contentType: asset.contentType, headers };
  return { status: 200, bytes, contentType: asset.contentType, headers: { ...headers, 'content-encoding': encoding } };
}

/** What index.html tells the page about its session (the same answer as GET /api/v1/session). */
export type SessionOf = (req: IncomingMessage) => unknown;

const SESSION_SLOT = '<meta name="hearth-session" content="">';

/** JSON in a double-quoted attribute: the characters that could end or open markup are escaped. */
function attribute(value: unknown): string {
  return JSON.stringify(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * With `sessionOf`, index.html carries the session in a meta tag, so a cold load needs no round trip
 * before it opens the WebSocket; the page is then private to the request and never stored.
 */
export function loadPageAssets(dir: string, sessionOf?: SessionOf): PageAssets {
  const assets = readAssets(dir);
  let index: Buffer | undefined;
  try {
    index = readFileSync(join(dir, 'index.html'));
  } catch {
    index = undefined;
  }
  const template = index?.toString('utf8');
  const page = (req: IncomingMessage): RouteResponse => {
    if (index === undefined || template === undefined) return { status: 503, text: 'Mission Control is not built here: run `npm run build`.', headers: PAGE_HEADERS };
    if (sessionOf === undefined || !template.includes(SESSION_SLOT)) {
      return { status: 200, bytes: index, contentType: 'text/html; charset=utf-8', headers: { ...PAGE_HEADERS, 'cache-control': 'no-cache' } };
    }
    const html = template.replace(SESSION_SLOT, `<meta name="hearth-session" content="${attribute(sessionOf(req))}">`);
    return { status: 200, bytes: Buffer.from(html, 'utf8'), contentType: 'text/html; charset=utf-8', headers: { ...PAGE_HEADERS, 'cache-control': 'no-store' } };
  };
  return {
    built: index !== undefined && assets !== undefined,
    routes: [
      { method: 'GET', path: '/', auth: 'none', handler: (req) => page(req.raw) },
      {
        method: 'GET',
        path: '/assets/:file',
        auth: 'none',
        handler: (req) => {
          const asset = assets?.get(req.params['file'] ?? '');
          if (asset === undefined) return { status: 404, json: { error: { code: 'HEARTH_ERR_NOT_FOUND', message: `No asset ${req.params['file'] ?? ''}.` } }, headers: PAGE_HEADERS };
          return assetResponse(asset, req.raw.headers['accept-encoding']);
        },
      },
    ],
  };
}
