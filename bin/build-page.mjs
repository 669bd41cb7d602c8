#!/usr/bin/env node
// Bundles Mission Control (web/, TypeScript + Preact) into dist/web: one
// hashed script, one hashed stylesheet, the icon, and index.html naming them;
// beside each asset its brotli (.br) and gzip (.gz) copy, compressed once here
// so the agent only picks one per request (agent/mission-control/asset-encoding.ts).
// The page is type-checked first with its own tsconfig (DOM types).
// No CDN and no inline script: the agent serves these files under a strict CSP.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = `${root}web`;
const outdir = `${root}dist/web`;

if (!process.argv.includes('--no-check')) {
  execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${src}/tsconfig.json`], { stdio: 'inherit' });
}
rmSync(outdir, { recursive: true, force: true });
mkdirSync(`${outdir}/assets`, { recursive: true });

const result = await build({
  entryPoints: { app: `${src}/main.tsx` },
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  write: false,
  outdir: `${outdir}/assets`,
  legalComments: 'none',
  logLevel: 'warning',
});

function hashed(name, ext, contents) {
  const hash = createHash('sha256').update(contents).digest('hex').slice(0, 12);
  const file = `${name}.${hash}.${ext}`;
  writeFileSync(`${outdir}/assets/${file}`, contents);
  writeFileSync(`${outdir}/assets/${file}.br`, brotliCompressSync(contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: contents.length } }));
  writeFileSync(`${outdir}/assets/${file}.gz`, gzipSync(contents, { level: 9 }));
  return file;
}

const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
if (js === undefined) throw new Error('esbuild wrote no script');
const files = {
  js: hashed('app', 'js', js.contents),
  css: hashed('app', 'css', readFileSync(`${src}/style.css`)),
  icon: hashed('icon', 'svg', readFileSync(`${src}/icon.svg`)),
};
const html = readFileSync(`${src}/index.html`, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key) => files[key]);
writeFileSync(`${outdir}/index.html`, html);
process.stdout.write(`bundled the page into ${outdir} (${files.js}, ${(js.contents.length / 1024).toFixed(1)} KiB)\n`);
