// Converges a fresh Debian root (debootstrap, through the community.general
// chroot connection) with ansible/playbook.yaml for real, twice: the first run
// applies common, docker, consul and nomad (from stand-in .deb packages),
// llamacpp (from a stand-in source tarball) and hearth; the second must report
// 0 changed, and a --check --diff preview (what bootstrap.sh --check runs) 0 to
// change. Services are not started: there is no systemd in a chroot, and
// the roles detect that.
import test from 'ava';
import { mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseYaml } from '../../agent/util/yaml.js';
import { changedTasks, parseRecap, runPlaybook, type RecapLine } from './ansible-env.js';
import { createDebianRoot, type DebianRoot } from './debian-root.js';
import { runCommand, type CommandResult } from './run-command.js';
import { buildLlamaStandIn, buildStandInDeb, packBuiltAgent } from './stand-ins.js';
import { firstReason, missingCommand, notRoot, testUnless } from '../support/skip.js';

const SUITE = 'trixie';
const HOST = 'hearth-converge';
const CONVERGE_TIMEOUT_MS = 15 * 60_000;

const chrootConnection = (await runCommand('ansible-doc', ['-t', 'connection', '-l'])).stdout.includes('community.general.chroot');
const convergeTest = testUnless(firstReason(
  notRoot(),
  missingCommand('debootstrap'),
  missingCommand('dpkg-deb'),
  chrootConnection ? undefined : 'the community.general.chroot connection is not installed',
)).serial;

interface ConvergeRun {
  readonly result: CommandResult;
  readonly recap: RecapLine | undefined;
}

const state: { root?: DebianRoot; work?: string; args?: string[]; runs: ConvergeRun[] } = { runs: [] };

test.after.always(async () => {
  await state.root?.release();
  if (state.work !== undefined) await rm(state.work, { recursive: true, force: true });
});

async function converge(): Promise<ConvergeRun> {
  if (state.args === undefined) throw new Error('the converge was not prepared');
  const result = await runPlaybook(state.args, {}, CONVERGE_TIMEOUT_MS);
  const run = { result, recap: parseRecap(result.stdout).get(HOST) };
  state.runs.push(run);
  return run;
}

async function prepare(): Promise<void> {
  state.work = await mkdtemp('/var/tmp/hansible-converge-');
  state.root = await createDebianRoot({ suite: SUITE, workDir: state.work });
  const inventory = join(state.work, 'inventory.ini');
  await writeFile(
    inventory,
    [
      '[controller_nodes]',
      `${HOST} ansible_host=${state.root.path} ansible_connection=community.general.chroot ansible_become=false`,
      '',
      '[worker_nodes]',
      '',
      '[pxe_servers]',
      '',
    ].join('\n'),
  );
  const vars = {
    consul_install_method: 'deb',
    consul_deb_src: await buildStandInDeb(state.work, 'consul'),
    nomad_install_method: 'deb',
    nomad_deb_src: await buildStandInDeb(state.work, 'nomad'),
    llamacpp_archive_src: await buildLlamaStandIn(state.work),
    hearth_archive_src: await packBuiltAgent(state.work),
    consul_gossip_key_file: join(state.work, 'secrets', 'consul-gossip-key'),
    hearth_api_token_file: join(state.work, 'secrets', 'hearth-api-token'),
  };
  const varsFile = join(state.work, 'vars.json');
  await writeFile(varsFile, JSON.stringify(vars));
  state.args = ['-i', inventory, 'playbook.yaml', '-e', `@${varsFile}`];
}

function describe(run: ConvergeRun): string {
  return `${run.result.stdout.slice(-6000)}\n${run.result.stderr.slice(-2000)}`;
}

convergeTest('the first converge of a fresh Debian root applies every role and fails nothing', async (t) => {
  t.timeout(2 * CONVERGE_TIMEOUT_MS);
  await prepare();
  const run = await converge();
  t.is(run.result.code, 0, describe(run));
  t.truthy(run.recap, describe(run));
  t.is(run.recap?.failed, 0);
  t.is(run.recap?.unreachable, 0);
  t.true((run.recap?.changed ?? 0) > 0);
  t.log(`first converge: ok=${run.recap?.ok} changed=${run.recap?.changed} failed=${run.recap?.failed}`);
});

convergeTest('the second converge reports 0 changed', async (t) => {
  t.timeout(CONVERGE_TIMEOUT_MS);
  const run = await converge();
  t.is(run.result.code, 0, describe(run));
  t.is(run.recap?.failed, 0);
  t.is(run.recap?.changed, 0, `changed tasks: ${changedTasks(run.result.stdout).join('; ')}`);
  t.log(`second converge: ok=${run.recap?.ok} changed=${run.recap?.changed} failed=${run.recap?.failed}`);
});

convergeTest('a --check --diff preview of the converged root (what bootstrap.sh --check runs) reports 0 changed', async (t) => {
  t.timeout(CONVERGE_TIMEOUT_MS);
  if (state.args === undefined) return t.fail('the converge was not prepared');
  const result = await runPlaybook([...state.args, '--check', '--diff'], {}, CONVERGE_TIMEOUT_MS);
  const recap = parseRecap(result.stdout).get(HOST);
  t.is(result.code, 0, `${result.stdout.slice(-6000)}\n${result.stderr.slice(-2000)}`);
  t.is(recap?.failed, 0);
  t.is(recap?.changed, 0, `would change: ${changedTasks(result.stdout).join('; ')}`);
  t.log(`--check on the converged root: ok=${recap?.ok} changed=${recap?.changed} failed=${recap?.failed}`);
});

convergeTest('the converged root holds the agent, its configuration and enabled units', async (t) => {
  const root = state.root?.path;
  if (root === undefined) return t.fail('no converged root');
  const config = parseYaml(await readFile(join(root, 'etc/hearth/hearth.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
  t.is(config['nomad']?.['addr'], 'http://127.0.0.1:4646');
  t.regex(String(config['api']?.['token']), /^[A-Za-z0-9]{40}$/);
  const consul = JSON.parse(await readFile(join(root, 'etc/consul.d/consul.json'), 'utf8')) as Record<string, unknown>;
  t.is(consul['bootstrap_expect'], 1);
  t.is(consul['server'], true);
  t.is(Buffer.from(String(consul['encrypt']), 'base64').length, 32);
  const nomad = JSON.parse(await readFile(join(root, 'etc/nomad.d/nomad.json'), 'utf8')) as {
    plugin: Record<string, unknown>;
    client: { host_volume: Record<string, { path: string }> };
  };
  t.deepEqual(Object.keys(nomad.plugin).sort(), ['docker', 'raw_exec']);
  t.is(nomad.client.host_volume['models']?.path, '/var/lib/hearth/models');
  for (const unit of ['consul', 'nomad', 'hearth']) {
    t.is(await readlink(join(root, `etc/systemd/system/multi-user.target.wants/${unit}.service`)), `/etc/systemd/system/${unit}.service`);
  }
  const unit = await readFile(join(root, 'etc/systemd/system/hearth.service'), 'utf8');
  t.regex(unit, /^AmbientCapabilities=CAP_BPF CAP_NET_ADMIN CAP_PERFMON$/m);
  t.regex(unit, /^ProtectSystem=strict$/m);
  t.regex(unit, /^ReadWritePaths=\/var\/lib\/hearth$/m);
  const node = await runCommand('chroot', [root, 'node', '--version']);
  t.regex(node.stdout, /^v(2\d|[3-9]\d)\./);
  const rpc = await runCommand('chroot', [root, '/usr/local/bin/rpc-server']);
  t.is(rpc.stdout.trim(), 'stand-in');
  const check = await runCommand('chroot', [root, 'hearth', 'config', 'check', '--config', '/etc/hearth/hearth.yaml']);
  t.is(check.code, 0, check.stdout + check.stderr);
  // The installed release (bin, dist, node_modules; no sources) finds its own root for its version.
  const version = await runCommand('chroot', [root, 'hearth', '--version']);
  t.is(version.code, 0, version.stderr);
  t.regex(version.stdout, /^hearth \d+\.\d+\.\d+$/m);
});
