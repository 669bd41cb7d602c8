// Replaces a file so that a reader, or a restart after kill -9, sees either the
// old content or the new, never a torn write: write a temp file beside it,
// fsync it, rename it over the target, fsync the directory.
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { HearthError } from '../errors.js';

export async function replaceFileAtomically(path: string, content: string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx', mode);
    try {
      await file.writeFile(content, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
    await syncDirectory(dir);
  } catch (err) {
    await rm(temp, { force: true });
    throw new HearthError('HEARTH_ERR_STATE', `Could not write ${path} atomically: ${(err as Error).message}`, {
      cause: err,
      details: { path },
    });
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
