// The fixed launcher scripts (jobs/launchers/*.sh) that llama.cpp tasks run.
// They are shipped inside the job as templates, so a node needs nothing but
// /bin/sh. Their text is constant: user values reach them only as validated
// environment variables.
import { readFileSync } from 'node:fs';
import { repoPath } from '../agent/util/paths.js';

export type LauncherName = 'llama-server' | 'rpc-server';

/** The text of a launcher script from jobs/launchers/. */
export function readLauncher(name: LauncherName): string {
  return readFileSync(repoPath('jobs', 'launchers', `${name}.sh`), 'utf8');
}

/** Where a launcher is rendered, relative to the task directory. */
export function launcherDest(name: LauncherName): string {
  return `local/launch-${name}.sh`;
}
