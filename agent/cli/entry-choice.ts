// Which build `bin/hearth.js` runs. `npm run build` bundles the command line
// into dist/cli/ (bin/build-cli.mjs), which starts faster than the separate
// compiled modules, and, for `hearth agent`, holds less: one module record,
// namespace and loader entry per chunk instead of per file, about 1.4 MB of
// the daemon's resident memory at rest (testing/bench/power). A bundle older
// than the last compile (tsc rewrites dist/.tsbuildinfo whenever it emits)
// may not hold the latest code, so then the compiled modules run instead.
// The agent processes of the integration and real tiers run the bundle, as
// the unit does; unit tests load the compiled modules it is built from.
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

export function chooseCliEntry(): CliEntry {
  return bundleState() === 'fresh' ? 'bundle' : 'compiled';
}
