// The built page (dist/web, written by bin/build-page.mjs) served from memory:
// index.html is never cached (its Link header starts the script and stylesheet
// early), the hashed assets are immutable for a year and sent precompressed.
// Every answer carries the strict Content-Security-Policy: scripts and styles
// only from this origin, nothing inline, no frames.
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { extname, join } from 'node:path';
import type { Principal, Route, RouteResponse } from '../http-api/route.js';
import { chooseEncoding, ENCODING_SUFFIX, type AssetEncoding } from './asset-encoding.js';
import type { Snapshot } from './snapshot-cache.js';

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

/** The Link header that starts the script and stylesheet index.html names while the page itself is still arriving. */
function preloadLinks(html: string): string | undefined {
  const links: string[] = [];
  for (const [, src] of html.matchAll(/<script type="module" src="(\/assets\/[^"]+)"/g)) links.push(`<${src}>; rel=modulepreload`);
  for (const [, href] of html.matchAll(/<link rel="stylesheet" href="(\/assets\/[^"]+)"/g)) links.push(`<${href}>; rel=preload; as=style`);
  return links.length === 0 ? undefined : links.join(', ');
}

function assetResponse(asset: Asset, acceptEncoding: string | string[] | undefined): RouteResponse {
  const encoding = chooseEncoding(acceptEncoding, Object.keys(asset.encoded) as AssetEncoding[]);
  const headers = { ...PAGE_HEADERS, 'cache-control': 'public, max-age=31536000, immutable', vary: 'accept-encoding' };
  const bytes = encoding === undefined ? undefined : asset.encoded[encoding];
  if (encoding === undefined || bytes === undefined) return { status: 200, bytes: asset.bytes, contentType: asset.contentType, headers };
  return { status: 200, bytes, contentType: asset.contentType, headers: { ...headers, 'content-encoding': encoding } };
}

/**
 * What index.html tells the page at once, so that a cold load needs no round trip before its first
 * paint: its session (the same answer as GET /api/v1/session) and, when the request may read it, the
 * snapshot a new WebSocket would start with (the page then opens its socket naming that version).
 */
export interface PageBoot {
  readonly session: unknown;
  readonly snapshot?: { readonly node: string; readonly snapshot: Snapshot };
}

export type BootOf = (req: IncomingMessage, principal: Principal) => PageBoot;

const SESSION_SLOT = '<meta name="hearth-session" content="">';
const SNAPSHOT_SLOT = '<meta name="hearth-snapshot" content="">';

/** Text in a double-quoted attribute: the characters that could end or open markup are escaped. */
function attribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function snapshotJson(boot: NonNullable<PageBoot['snapshot']>): string {
  return `{"version":${JSON.stringify(boot.snapshot.version)},"node":${JSON.stringify(boot.node)},${boot.snapshot.json.slice(1)}`;
}

/**
 * With `bootOf`, index.html carries the session and the snapshot in meta tags; the page is then private
 * to the request and never stored.
 */
export function loadPageAssets(dir: string, bootOf?: BootOf): PageAssets {
  const assets = readAssets(dir);
  let index: Buffer | undefined;
  try {
    index = readFileSync(join(dir, 'index.html'));
  } catch {
    index = undefined;
  }
  const template = index?.toString('utf8');
  const link = template === undefined ? undefined : preloadLinks(template);
  const pageHeaders = link === undefined ? PAGE_HEADERS : { ...PAGE_HEADERS, link };
  const page = (req: IncomingMessage, principal: Principal): RouteResponse => {
    if (index === undefined || template === undefined) return { status: 503, text: 'Mission Control is not built here: run `npm run build`.', headers: PAGE_HEADERS };
    if (bootOf === undefined || !template.includes(SESSION_SLOT)) {
      return { status: 200, bytes: index, contentType: 'text/html; charset=utf-8', headers: { ...pageHeaders, 'cache-control': 'no-cache' } };
    }
    const boot = bootOf(req, principal);
    const html = template
      .replace(SESSION_SLOT, () => `<meta name="hearth-session" content="${attribute(JSON.stringify(boot.session))}">`)
      .replace(SNAPSHOT_SLOT, () => (boot.snapshot === undefined ? SNAPSHOT_SLOT : `<meta name="hearth-snapshot" content="${attribute(snapshotJson(boot.snapshot))}">`));
    return { status: 200, bytes: Buffer.from(html, 'utf8'), contentType: 'text/html; charset=utf-8', headers: { ...pageHeaders, 'cache-control': 'no-store' } };
  };
  return {
    built: index !== undefined && assets !== undefined,
    routes: [
      { method: 'GET', path: '/', auth: 'none', handler: (req) => page(req.raw, req.principal) },
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
