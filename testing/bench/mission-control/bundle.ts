// What the browser downloads for the page, gzipped, beside preact's runtime
// alone; and what the agent actually sends a browser that accepts brotli (the
// build's precompressed copies, index.html as it is).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { repoPath } from '../../../agent/util/paths.js';

const gz = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export function benchBundle(print: (line: string) => void): void {
  const dir = repoPath('dist', 'web');
  const assets = readdirSync(join(dir, 'assets')).filter((f) => !f.endsWith('.br') && !f.endsWith('.gz'));
  const files = [join(dir, 'index.html'), ...assets.map((f) => join(dir, 'assets', f))];
  let raw = 0;
  let packed = 0;
  let sent = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    packed += gz(bytes);
    sent += existsSync(`${file}.br`) ? statSync(`${file}.br`).size : bytes.length;
  }
  // The baseline: a page of one component, preact and its hooks, bundled and minified the same way.
  const minimal = buildSync({
    stdin: { contents: "import { h, render } from 'preact'; import { useState } from 'preact/hooks'; const P = () => h('p', null, String(useState(1)[0])); render(h(P, null), document.body);", resolveDir: repoPath(), loader: 'js' },
    bundle: true, minify: true, format: 'esm', target: 'es2022', platform: 'browser', write: false,
  });
  const preact = gz(Buffer.from(minimal.outputFiles[0]?.contents ?? new Uint8Array()));
  print(`bundle: ${files.length} files, ${kb(raw)} raw, ${kb(packed)} gzipped, ${kb(sent)} as sent (brotli copies; target <= 150 KB: ${packed <= 150 * 1024 ? 'met' : 'MISSED'}); baseline a one-component preact page bundled the same way ${kb(preact)} gzipped (page = ${(packed / preact).toFixed(1)}x preact)`);
}
