// Which build `bin/hearth.js` runs. `npm run build` bundles the command line
// into dist/cli/ (bin/build-cli.mjs), which starts faster than the separate
// compiled modules. A bundle older than the last compile (tsc rewrites
// dist/.tsbuildinfo whenever it emits) may not hold the latest code, so then
// the compiled modules run instead. So does `hearth agent`: a daemon's start
// time hardly matters, and it runs the very modules its tests load.
import { statSync } from 'node:fs';
import { repoPath } from '../util/paths.js';

export type CliEntry = 'bundle' | 'compiled';

export const BUNDLE_PATH = repoPath('dist', 'cli', 'hearth.js');
export const COMPILED_PATH = repoPath('dist', 'agent', 'main.js');

const modifiedMs = (path: string): number | undefined => statSync(path, { throwIfNoEntry: false })?.mtimeMs;

/** 'missing' without a bundle; 'stale' when it is older than the last compile. */
export function bundleState(): 'fresh' | 'stale' | 'missing' {
  const bundleMs = modifiedMs(BUNDLE_PATH);
  if (bundleMs === undefined) return 'missing';
  const compileMs = modifiedMs(repoPath('dist', '.tsbuildinfo'));
  return compileMs === undefined || bundleMs >= compileMs ? 'fresh' : 'stale';
}

export function chooseCliEntry(command: string | undefined): CliEntry {
  return command !== 'agent' && bundleState() === 'fresh' ? 'bundle' : 'compiled';
}
