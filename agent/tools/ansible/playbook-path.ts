// Resolves a playbook name against the allowed directories: a relative
// .yaml/.yml path with no `..`, which, once symlinks are followed, is still a
// file inside one of them. Anything else is refused before ansible runs.
import { realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { HearthError } from '../../errors.js';

export const PLAYBOOK_NAME = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9_][A-Za-z0-9_./-]{0,200}\.ya?ml$/;

async function inside(dir: string, name: string): Promise<string | undefined> {
  let root: string;
  let file: string;
  try {
    root = await realpath(dir);
    file = await realpath(join(root, name));
  } catch {
    return undefined;
  }
  if (!file.startsWith(root + sep)) return undefined;
  return (await stat(file)).isFile() ? file : undefined;
}

export async function resolvePlaybook(name: string, dirs: readonly string[]): Promise<string> {
  if (!PLAYBOOK_NAME.test(name)) {
    throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected a playbook as a relative .yaml path inside ${dirs.join(' or ')} for \`playbook\`, got ${JSON.stringify(name.slice(0, 200))}.`);
  }
  for (const dir of dirs) {
    const found = await inside(dir, name);
    if (found !== undefined) return found;
  }
  throw new HearthError('HEARTH_ERR_NOT_FOUND', `No playbook ${JSON.stringify(name)} inside the allowed directories ${dirs.join(', ')} (symlinks leading out of them do not count).`);
}
