// Static checks of the provisioning code: ansible-lint's production profile,
// ansible-playbook --syntax-check on every playbook, shellcheck on
// bootstrap.sh, and bootstrap.sh's refusals, which must happen before it
// changes anything.
import test from 'ava';
import { chmod, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../../agent/util/paths.js';
import { ANSIBLE_DIR, ansibleEnv } from './ansible-env.js';
import { runCommand } from './run-command.js';
import { firstReason, missingCommand, notRoot, testUnless } from '../support/skip.js';

const PLAYBOOKS = ['playbook.yaml', 'heal_cluster.yaml', 'deploy_expert.yaml'];
const BOOTSTRAP = repoPath('bootstrap.sh');
// Switching to an unprivileged user needs root; without sudo the script cannot re-run itself as root.
const cannotDropPrivileges = firstReason(notRoot(), missingCommand('sudo') === undefined ? 'sudo is on PATH, so the script would re-run itself as root' : undefined);

test('ansible-lint with the production profile reports no violations', async (t) => {
  t.timeout(300_000);
  const result = await runCommand('ansible-lint', ['--nocolor', '--profile', 'production'], {
    cwd: ANSIBLE_DIR,
    env: ansibleEnv(),
  });
  const output = result.stdout + result.stderr;
  t.is(result.code, 0, output);
  t.regex(output, /Passed with production profile: 0 failure\(s\), 0 warning\(s\)/);
});

for (const playbook of PLAYBOOKS) {
  test(`${playbook} passes ansible-playbook --syntax-check`, async (t) => {
    const result = await runCommand(
      'ansible-playbook',
      ['--syntax-check', '-i', 'inventory.yaml', playbook, '-e', 'job_name=x service_name=x namespace=x worker_count=0 model_list=x'],
      { cwd: ANSIBLE_DIR, env: ansibleEnv() },
    );
    t.is(result.code, 0, result.stdout + result.stderr);
    t.regex(result.stdout, new RegExp(`playbook: ${playbook.replace('.', '\\.')}`));
  });
}

test('bootstrap.sh is shellcheck-clean', async (t) => {
  const result = await runCommand('shellcheck', ['--severity=style', BOOTSTRAP]);
  t.is(result.code, 0, result.stdout + result.stderr);
});

test('bootstrap.sh --help explains the stages and the --check option', async (t) => {
  const result = await runCommand('bash', [BOOTSTRAP, '--help']);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /--check/);
  t.regex(result.stdout, /\[1\/5\]/);
});

test('bootstrap.sh rejects an unknown option', async (t) => {
  const result = await runCommand('bash', [BOOTSTRAP, '--frobnicate']);
  t.is(result.code, 1);
  t.regex(result.stderr, /unknown option: --frobnicate/);
});

testUnless(notRoot())('bootstrap.sh refuses an operating system other than Debian bookworm or trixie', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hansible-os-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const osRelease = join(dir, 'os-release');
  await writeFile(osRelease, 'PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\nVERSION_CODENAME=noble\n');
  const result = await runCommand('bash', [BOOTSTRAP, '--check'], {
    env: { ...process.env, HEARTH_OS_RELEASE: osRelease },
  });
  t.is(result.code, 1);
  t.regex(result.stderr, /unsupported operating system: Ubuntu 24\.04 LTS \(ID=ubuntu, VERSION_CODENAME=noble\)/);
  t.regex(result.stderr, /Nothing was changed/);
  t.notRegex(result.stdout, /\[2\/5\]/);
});

testUnless(cannotDropPrivileges)('bootstrap.sh run by an unprivileged user without sudo says it needs root', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hansible-user-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await chmod(dir, 0o755);
  const script = join(dir, 'bootstrap.sh');
  await copyFile(BOOTSTRAP, script);
  await chmod(script, 0o755);
  const result = await runCommand('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'bash', script, '--check'], {
    cwd: dir,
  });
  t.is(result.code, 1, result.stdout + result.stderr);
  t.regex(result.stderr, /must run as root, and sudo is not available/);
  t.regex(result.stderr, /Nothing was changed/);
});
