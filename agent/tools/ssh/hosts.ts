// The hosts ssh.run_command may reach: the Ansible inventory's hosts (with
// ansible_host, ansible_port and ansible_user) and the nodes discovery lists.
// A name the model gives is looked up here; nothing else is ever dialled.
import { readFile } from 'node:fs/promises';
import { HearthError } from '../../errors.js';
import { parseYaml } from '../../util/yaml.js';

export interface SshHost {
  readonly name: string;
  readonly address: string;
  readonly port?: number;
  readonly user?: string;
}

type Group = { hosts?: Record<string, Record<string, unknown> | null>; children?: Record<string, Group | null>; vars?: Record<string, unknown> };

function collect(group: Group | null | undefined, inherited: Record<string, unknown>, into: Map<string, SshHost>): void {
  if (group === null || group === undefined || typeof group !== 'object') return;
  const vars = { ...inherited, ...(group.vars ?? {}) };
  for (const [name, hostVars] of Object.entries(group.hosts ?? {})) {
    const merged = { ...vars, ...(hostVars ?? {}) };
    const address = typeof merged['ansible_host'] === 'string' ? merged['ansible_host'] : name;
    const port = typeof merged['ansible_port'] === 'number' ? merged['ansible_port'] : undefined;
    const user = typeof merged['ansible_user'] === 'string' ? merged['ansible_user'] : undefined;
    into.set(name, { name, address, ...(port === undefined ? {} : { port }), ...(user === undefined ? {} : { user }) });
  }
  for (const child of Object.values(group.children ?? {})) collect(child, vars, into);
}

/** Hosts of a YAML inventory (the layout hearth writes: all.children.<group>.hosts, or top-level groups). */
export async function readInventoryHosts(path: string): Promise<Map<string, SshHost>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new HearthError('HEARTH_ERR_CONFIG_READ', `Cannot read the ssh inventory ${path}: ${(err as Error).message}`, { cause: err });
  }
  const doc = parseYaml(text) as Record<string, Group | null> | null;
  const hosts = new Map<string, SshHost>();
  for (const group of Object.values(doc ?? {})) collect(group, {}, hosts);
  return hosts;
}
