// How the tests call Ansible: this repository's ansible.cfg and roles, plain
// output, and nothing written into the user's ~/.ansible beyond its tmp.
import { repoPath } from '../../agent/util/paths.js';
import { runCommand, type CommandResult } from './run-command.js';

export const ANSIBLE_DIR = repoPath('ansible');

export function ansibleEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ANSIBLE_CONFIG: repoPath('ansible', 'ansible.cfg'),
    ANSIBLE_ROLES_PATH: repoPath('ansible', 'roles'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    ANSIBLE_NOCOWS: '1',
    ...extra,
  };
}

export function runPlaybook(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}, timeoutMs = 600_000): Promise<CommandResult> {
  return runCommand('ansible-playbook', args, { cwd: ANSIBLE_DIR, env: ansibleEnv(extraEnv), timeoutMs });
}

export interface RecapLine {
  readonly ok: number;
  readonly changed: number;
  readonly unreachable: number;
  readonly failed: number;
  readonly skipped: number;
}

/** The PLAY RECAP counts per host, read from ansible-playbook's default output. */
export function parseRecap(stdout: string): Map<string, RecapLine> {
  const recap = new Map<string, RecapLine>();
  const start = stdout.lastIndexOf('PLAY RECAP');
  if (start === -1) return recap;
  const pattern = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)/gm;
  for (const match of stdout.slice(start).matchAll(pattern)) {
    const [, host, ok, changed, unreachable, failed, skipped] = match;
    if (host === undefined) continue;
    recap.set(host, {
      ok: Number(ok),
      changed: Number(changed),
      unreachable: Number(unreachable),
      failed: Number(failed),
      skipped: Number(skipped),
    });
  }
  return recap;
}

/** The names of the tasks that reported "changed", for a readable failure. */
export function changedTasks(stdout: string): string[] {
  const names: string[] = [];
  let current = '';
  for (const line of stdout.split('\n')) {
    const task = /^(?:TASK|RUNNING HANDLER) \[(.+?)\]/.exec(line);
    if (task?.[1] !== undefined) current = task[1];
    else if (line.startsWith('changed:')) names.push(current);
  }
  return [...new Set(names)];
}
