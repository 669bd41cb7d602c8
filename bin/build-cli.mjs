#!/usr/bin/env node
// Bundles the compiled CLI (dist/agent/main.js, after tsc) into dist/cli/:
// an entry file plus one chunk per lazily loaded command group. Node 20 has
// no compile cache, and resolving and reading ~50 small ES modules is a good
// part of a command's start on a slow machine; one file per group is not.
//
// zod and js-yaml (nearly every command) are bundled.
// Every other package stays external: pino starts worker threads by file
// name, koffi loads a native addon, and the rest are the daemon's. Bundled
// CommonJS requires node: builtins through the `require` the banner makes.
// The bundle sits two levels below the repository root,
// like the compiled modules, so repoRoot() and the paths built on it hold.
// bin/hearth.js runs the bundle, `hearth agent` included, only while it is
// newer than the last compile (agent/cli/entry-choice.ts).
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;
const BUNDLED_PACKAGES = new Set(['zod', 'js-yaml']);
const REQUIRE_BANNER = "import { createRequire as __hearthCreateRequire } from 'node:module'; const require = __hearthCreateRequire(import.meta.url);";

/** Bare imports (packages) stay external unless listed in BUNDLED_PACKAGES. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: {
    hearth: `${root}dist/agent/main.js`,
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  plugins: [externalPackages],
  banner: { js: REQUIRE_BANNER },
  logLevel: 'warning',
});
process.stdout.write(`bundled the CLI into ${outdir}\n`);
