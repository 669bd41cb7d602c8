// A throwaway Debian root for converge tests: debootstrap (minbase plus
// python3, which Ansible needs) once per suite, cached as a tarball under
// /var/cache/hearth-test/, unpacked fresh for every run. /proc is mounted;
// downloaded packages are linked in from a per-suite cache and new ones
// linked back on release (each root keeps its own apt lock, so roots can be
// used side by side). release() unmounts /proc and removes the root, and
// refuses to delete anything still mounted.
import { copyFile, link, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './run-command.js';

export const DEFAULT_CACHE_DIR = '/var/cache/hearth-test';
const MIRROR = 'http://deb.debian.org/debian';
const INCLUDE = 'python3';

export interface DebianRoot {
  readonly path: string;
  readonly suite: string;
  release(): Promise<void>;
}

export interface DebianRootOptions {
  readonly suite: string;
  readonly cacheDir?: string;
  /** Parent folder of the unpacked root. */
  readonly workDir: string;
}

export async function createDebianRoot(options: DebianRootOptions): Promise<DebianRoot> {
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const tarball = await ensureRootTarball(options.suite, cacheDir);
  const path = await mkdtemp(join(options.workDir, `root-${options.suite}-`));
  const mounted: string[] = [];
  const aptCache = join(cacheDir, `apt-archives-${options.suite}`);
  const rootArchives = join(path, 'var/cache/apt/archives');
  const root: DebianRoot = {
    path,
    suite: options.suite,
    release: async () => {
      for (const point of mounted.reverse()) await unmount(point);
      await linkDebs(rootArchives, aptCache).catch(() => undefined);
      await removeUnmounted(path);
    },
  };
  try {
    await must(runCommand('tar', ['-xf', tarball, '-C', path, '--numeric-owner']), 'unpack the Debian root');
    await must(runCommand('mount', ['-t', 'proc', 'proc', join(path, 'proc')]), 'mount /proc in the root');
    mounted.push(join(path, 'proc'));
    await mkdir(aptCache, { recursive: true });
    await linkDebs(aptCache, rootArchives);
  } catch (err) {
    await root.release();
    throw err;
  }
  return root;
}

async function ensureRootTarball(suite: string, cacheDir: string): Promise<string> {
  const tarball = join(cacheDir, `debian-${suite}-minbase-${INCLUDE}.tar`);
  if (await exists(tarball)) return tarball;
  await mkdir(cacheDir, { recursive: true });
  const build = join(cacheDir, `.build-${suite}-${process.pid}`);
  try {
    await must(
      runCommand('debootstrap', ['--variant=minbase', `--include=${INCLUDE}`, suite, build, MIRROR], { timeoutMs: 900_000 }),
      `debootstrap ${suite}`,
    );
    await must(runCommand('tar', ['-cf', `${tarball}.partial`, '-C', build, '--numeric-owner', '.']), 'pack the Debian root');
    await rename(`${tarball}.partial`, tarball);
  } finally {
    await removeUnmounted(build);
    await rm(`${tarball}.partial`, { force: true });
  }
  return tarball;
}

/** Links (or, across file systems, copies) every .deb of one folder into another that lacks it. */
async function linkDebs(from: string, to: string): Promise<void> {
  const present = new Set(await readdir(to));
  for (const name of await readdir(from)) {
    if (!name.endsWith('.deb') || present.has(name)) continue;
    await link(join(from, name), join(to, name)).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EXDEV') throw err;
      await copyFile(join(from, name), join(to, name));
    });
  }
}

async function unmount(point: string): Promise<void> {
  if (!(await mountPointsUnder(point, true)).includes(point)) return;
  const result = await runCommand('umount', [point]);
  if (result.code !== 0) await runCommand('umount', ['--lazy', point]);
}

/** Removes a folder only once nothing is mounted inside it (a bind mount would take its source along). */
async function removeUnmounted(path: string): Promise<void> {
  for (const point of (await mountPointsUnder(path, false)).reverse()) await unmount(point);
  const left = await mountPointsUnder(path, false);
  if (left.length > 0) throw new Error(`not removing ${path}: still mounted: ${left.join(', ')}`);
  await rm(path, { recursive: true, force: true });
}

async function mountPointsUnder(path: string, includeSelf: boolean): Promise<string[]> {
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  return mounts
    .split('\n')
    .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((point): point is string => point !== undefined && (point.startsWith(path + '/') || (includeSelf && point === path)));
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function must(pending: ReturnType<typeof runCommand>, what: string): Promise<void> {
  const result = await pending;
  if (result.code !== 0) throw new Error(`could not ${what} (exit ${result.code}): ${result.stderr || result.stdout}`);
}
