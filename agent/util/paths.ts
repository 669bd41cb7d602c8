import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { internalError } from '../errors.js';

let cached: string | undefined;

/** True for a package.json whose name is hearth: a checkout, or an installed release (bin, dist, node_modules). */
function isHearthPackage(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === 'hearth';
  } catch {
    return false;
  }
}

/** The repository (or installed package) root: the nearest folder above this file holding package.json named hearth. */
export function repoRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isHearthPackage(join(dir, 'package.json'))) {
      cached = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw internalError(`cannot find hearth's package root (a package.json named hearth) above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** A path inside the repository root. */
export function repoPath(...parts: string[]): string {
  return join(repoRoot(), ...parts);
}
