// What the browser downloads for the page, gzipped, beside preact's runtime alone.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { repoPath } from '../../../agent/util/paths.js';

const gz = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export function benchBundle(print: (line: string) => void): void {
  const dir = repoPath('dist', 'web');
  const files = [join(dir, 'index.html'), ...readdirSync(join(dir, 'assets')).map((f) => join(dir, 'assets', f))];
  let raw = 0;
  let packed = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    packed += gz(bytes);
  }
  // The baseline: a page of one component, preact and its hooks, bundled and minified the same way.
  const minimal = buildSync({
    stdin: { contents: "import { h, render } from 'preact'; import { useState } from 'preact/hooks'; const P = () => h('p', null, String(useState(1)[0])); render(h(P, null), document.body);", resolveDir: repoPath(), loader: 'js' },
    bundle: true, minify: true, format: 'esm', target: 'es2022', platform: 'browser', write: false,
  });
  const preact = gz(Buffer.from(minimal.outputFiles[0]?.contents ?? new Uint8Array()));
  print(`bundle: ${files.length} files, ${kb(raw)} raw, ${kb(packed)} gzipped (target <= 150 KB: ${packed <= 150 * 1024 ? 'met' : 'MISSED'}); baseline a one-component preact page bundled the same way ${kb(preact)} gzipped (page = ${(packed / preact).toFixed(1)}x preact)`);
}
