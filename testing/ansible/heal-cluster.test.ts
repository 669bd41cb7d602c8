// heal_cluster.yaml against the Nomad/Consul simulator: the first run
// registers the configured core job and reports changed, the second finds it
// in place and reports 0 changed.
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringifyYaml as stringify } from '../../agent/util/yaml.js';
import { repoPath } from '../../agent/util/paths.js';
import { startSimFor } from '../support/sim-harness.js';
import { parseRecap, runPlaybook } from './ansible-env.js';

test('heal_cluster.yaml registers a missing core job once and then reports 0 changed', async (t) => {
  t.timeout(240_000);
  const { nomadAddr, consulAddr } = await startSimFor(t, { nodes: 3 });
  const dir = await mkdtemp(join(tmpdir(), 'hansible-heal-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const configFile = join(dir, 'hearth.yaml');
  await writeFile(
    configFile,
    stringify({
      nomad: { addr: nomadAddr },
      consul: { addr: consulAddr },
      heal: {
        coreJobs: [
          {
            template: 'llamacpp-rpc',
            vars: { job_name: 'core-general', model: 'llama-3-2-3b-instruct-q4', model_path: '/srv/models/llama.gguf', expert: 'general', worker_count: 2 },
          },
        ],
      },
    }),
  );
  const inventory = join(dir, 'inventory.ini');
  await writeFile(inventory, '[controller_nodes]\nlocalhost ansible_connection=local\n');
  const args = ['-i', inventory, 'heal_cluster.yaml', '-e', `hearth_bin=${repoPath('bin', 'hearth.js')} hearth_config_file=${configFile}`];
  // The simulator's addresses come from the file alone.
  const env = { NOMAD_ADDR: '', CONSUL_HTTP_ADDR: '', NOMAD_TOKEN: '' };

  const first = await runPlaybook(args, env, 180_000);
  t.is(first.code, 0, first.stdout + first.stderr);
  t.is(parseRecap(first.stdout).get('localhost')?.changed, 1, first.stdout);
  const jobs = (await (await fetch(`${nomadAddr}/v1/jobs`)).json()) as Array<{ ID: string }>;
  t.deepEqual(
    jobs.map((j) => j.ID),
    ['core-general'],
  );

  const second = await runPlaybook(args, env, 180_000);
  t.is(second.code, 0, second.stdout + second.stderr);
  t.is(parseRecap(second.stdout).get('localhost')?.changed, 0, second.stdout);
});
