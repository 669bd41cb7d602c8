// Renders the pxe_server role's boot tree into a temporary directory with
// ansible-playbook (pxe/render.yaml against localhost), as an operator's
// preview would, so the tests exercise the role's own templates.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Teardown } from './join-agent.js';
import { repoPath } from '../../agent/util/paths.js';

const run = promisify(execFile);

export interface RenderedTree {
  readonly dir: string;
  readonly root: string;
  readonly httpRoot: string;
  readonly tftpRoot: string;
  readonly dnsmasqConf: string;
  readonly nginxSite: string;
  readonly accessLog: string;
}

export const TEST_SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthPxeTestKeyOnlyNotARealKey0000000000 hearth-test';

export async function renderTree(teardown: Teardown, vars: Record<string, unknown>): Promise<RenderedTree> {
  const dir = await mkdtemp(join(tmpdir(), 'hpxe-tree-'));
  teardown(() => rm(dir, { recursive: true, force: true }));
  const root = join(dir, 'srv');
  const tree: RenderedTree = {
    dir,
    root,
    httpRoot: join(root, 'http'),
    tftpRoot: join(root, 'tftp'),
    dnsmasqConf: join(dir, 'dnsmasq-hearth-pxe.conf'),
    nginxSite: join(dir, 'nginx-hearth-pxe.conf'),
    accessLog: join(dir, 'access.log'),
  };
  const inventory = join(dir, 'inventory.yaml');
  await writeFile(inventory, 'all:\n  children:\n    pxe_servers:\n      hosts:\n        localhost:\n          ansible_connection: local\n');
  const extra = join(dir, 'vars.json');
  await writeFile(
    extra,
    JSON.stringify({
      pxe_server_root: root,
      pxe_server_dnsmasq_conf: tree.dnsmasqConf,
      pxe_server_nginx_site: tree.nginxSite,
      pxe_server_http_access_log: tree.accessLog,
      pxe_server_dhcp_interface: 'lo',
      pxe_server_dhcp_subnet: '127.0.0.0',
      pxe_server_ssh_authorized_key: TEST_SSH_KEY,
      ...vars,
    }),
  );
  await run('ansible-playbook', ['-i', inventory, repoPath('pxe', 'render.yaml'), '-e', `@${extra}`], {
    cwd: dir,
    env: { ...process.env, ANSIBLE_ROLES_PATH: repoPath('ansible', 'roles'), ANSIBLE_NOCOWS: '1', ANSIBLE_RETRY_FILES_ENABLED: '0' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return tree;
}
