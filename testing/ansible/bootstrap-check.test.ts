// bootstrap.sh --check inside a fresh Debian trixie root (with Debian's own
// ansible-core installed first, as stage 2 would): every stage reports, the
// playbook preview fails nothing, and no file in the root changes. The
// HashiCorp packages and llama.cpp come from stand-ins through the air-gapped
// variables passed after --, so nothing outside the Debian archive is asked.
import test from 'ava';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../agent/util/paths.js';
import { parseRecap } from './ansible-env.js';
import { createDebianRoot, type DebianRoot } from './debian-root.js';
import { runCommand } from './run-command.js';
import { buildLlamaStandIn, buildStandInDeb } from './stand-ins.js';
import { firstReason, missingCommand, notRoot, testUnless } from '../support/skip.js';

const cannotRun = firstReason(notRoot(), missingCommand('debootstrap'), missingCommand('dpkg-deb'));
const state: { root?: DebianRoot; work?: string } = {};

test.after.always(async () => {
  await state.root?.release();
  if (state.work !== undefined) await rm(state.work, { recursive: true, force: true });
});

async function mustRun(command: string, args: string[], timeoutMs = 600_000): Promise<void> {
  const result = await runCommand(command, args, { timeoutMs });
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}: ${result.stderr || result.stdout}`);
}

testUnless(cannotRun)('bootstrap.sh --check previews a fresh trixie node through all five stages and changes no file', async (t) => {
  t.timeout(20 * 60_000);
  state.work = await mkdtemp('/var/tmp/hansible-bootstrap-');
  const root = await createDebianRoot({ suite: 'trixie', workDir: state.work });
  state.root = root;
  await mustRun('chroot', [root.path, 'apt-get', 'update', '-q']);
  await mustRun('chroot', [root.path, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-q', '--no-install-recommends', 'ansible-core', 'python3-apt']);

  const checkout = join(root.path, 'root', 'hearth');
  await mkdir(checkout, { recursive: true });
  await mustRun('sh', [
    '-c',
    'tar -C "$1" --exclude=./.git --exclude=./node_modules --exclude=./dist --exclude=./ansible/.secrets --exclude=./testing/.work --exclude=./bpf/build -cf - . | tar -C "$2" -xf -',
    'sh',
    repoRoot(),
    checkout,
  ]);
  const airgap = join(root.path, 'root', 'airgap');
  await mkdir(airgap, { recursive: true });
  await buildStandInDeb(airgap, 'consul');
  await buildStandInDeb(airgap, 'nomad');
  await buildLlamaStandIn(airgap);
  await writeFile(
    join(airgap, 'airgap.json'),
    JSON.stringify({
      consul_install_method: 'deb',
      consul_deb_src: '/root/airgap/consul.deb',
      nomad_install_method: 'deb',
      nomad_deb_src: '/root/airgap/nomad.deb',
      llamacpp_archive_src: '/root/airgap/llama-standin.tar.gz',
    }),
  );
  const marker = join(root.path, 'root', 'before-check');
  await writeFile(marker, '');

  const result = await runCommand('chroot', [root.path, 'bash', '/root/hearth/bootstrap.sh', '--check', '--', '-e', '@/root/airgap/airgap.json'], {
    timeoutMs: 15 * 60_000,
  });
  const output = result.stdout + result.stderr;
  t.is(result.code, 0, output.slice(-8000));
  for (const stage of ['[1/5]', '[2/5]', '[3/5]', '[4/5]', '[5/5]']) t.true(result.stdout.includes(stage), stage);
  const recap = parseRecap(result.stdout).get('localhost');
  t.is(recap?.failed, 0, output.slice(-8000));
  t.log(`bootstrap.sh --check on a fresh trixie root: ok=${recap?.ok} changed=${recap?.changed} (would change) failed=${recap?.failed}`);

  // Files only: apt's planner log, Ansible's temporary files and Python's bytecode cache are not the system's state.
  const changed = await runCommand('chroot', [
    root.path,
    'find', '/', '-xdev', '-type', 'f', '-newer', '/root/before-check',
    '-not', '-path', '/tmp/*', '-not', '-path', '/root/.ansible/*', '-not', '-path', '/var/log/apt/*', '-not', '-path', '*/__pycache__/*',
  ]);
  t.is(changed.code, 0, changed.stderr);
  t.deepEqual(changed.stdout.split('\n').filter((line) => line !== ''), []);
});
