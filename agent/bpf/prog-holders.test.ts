import test from 'ava';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { programHolders } from './prog-holders.js';

function fakeProc(t: { teardown(fn: () => void): void }, fds: Array<{ pid: number; fd: number; link: string; fdinfo: string }>): string {
  const root = mkdtempSync(join(tmpdir(), 'hbpf-proc-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'self'));
  for (const f of fds) {
    mkdirSync(join(root, String(f.pid), 'fd'), { recursive: true });
    mkdirSync(join(root, String(f.pid), 'fdinfo'), { recursive: true });
    symlinkSync(f.link, join(root, String(f.pid), 'fd', String(f.fd)));
    writeFileSync(join(root, String(f.pid), 'fdinfo', String(f.fd)), f.fdinfo);
  }
  return root;
}

test('the processes holding a BPF program are found by its prog_id, and nobody else', (t) => {
  const root = fakeProc(t, [
    { pid: 10, fd: 3, link: 'anon_inode:bpf-prog', fdinfo: 'pos:\t0\nprog_type:\t3\nprog_id:\t42\n' },
    { pid: 11, fd: 4, link: 'anon_inode:bpf-prog', fdinfo: 'pos:\t0\nprog_id:\t7\n' },
    { pid: 12, fd: 5, link: 'anon_inode:bpf-map', fdinfo: 'map_id:\t42\n' },
    { pid: 13, fd: 6, link: 'anon_inode:bpf-prog', fdinfo: 'prog_id:\t420\n' },
  ]);
  t.deepEqual(programHolders(42, root), [10]);
  t.deepEqual(programHolders(99, root), []);
});
