#!/usr/bin/env node
// The `hearth` command: the compiled composition root does all the work.
// `npm run build` also bundles it into dist/cli/ (bin/build-cli.mjs), which
// starts faster. A bundle older than the last compile (tsc rewrites
// dist/.tsbuildinfo whenever it emits) may not hold the latest code, so then
// the compiled modules run instead. So does `hearth agent`: a daemon's start
// time hardly matters, and it runs the very modules its tests load.
import { statSync } from 'node:fs';

const modifiedMs = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
const bundleMs = modifiedMs('../dist/cli/hearth.js');
const compileMs = modifiedMs('../dist/.tsbuildinfo');
const bundleIsFresh = bundleMs !== undefined && (compileMs === undefined || bundleMs >= compileMs);

if (bundleIsFresh && process.argv[2] !== 'agent') await import('../dist/cli/hearth.js');
else await import('../dist/agent/main.js');
