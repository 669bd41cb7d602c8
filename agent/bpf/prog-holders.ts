// Which live processes hold a BPF program open (an fd whose fdinfo names its
// prog_id). A hearth filter whose program nobody holds was left by a run that
// died; one that a live process holds belongs to a running agent.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return []; // the process exited meanwhile, or its fds are not ours to read
  }
}

/** Pids of processes with an fd on BPF program `progId`. */
export function programHolders(progId: number, procRoot = '/proc'): number[] {
  const holders: number[] = [];
  for (const pid of entries(procRoot)) {
    if (!/^\d+$/.test(pid)) continue;
    for (const fd of entries(`${procRoot}/${pid}/fd`)) {
      try {
        if (readlinkSync(`${procRoot}/${pid}/fd/${fd}`) !== 'anon_inode:bpf-prog') continue;
        const id = /^prog_id:\s*(\d+)$/m.exec(readFileSync(`${procRoot}/${pid}/fdinfo/${fd}`, 'utf8'))?.[1];
        if (id !== undefined && Number(id) === progId) {
          holders.push(Number(pid));
          break;
        }
      } catch {
        // the fd closed between listing and reading
      }
    }
  }
  return holders;
}
