import { readFileSync } from 'node:fs';
import { repoPath } from './util/paths.js';

let cached: string | undefined;

/** hearth's version, from package.json. */
export function hearthVersion(): string {
  cached ??= (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
