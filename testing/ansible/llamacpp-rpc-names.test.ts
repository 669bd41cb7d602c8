// The llamacpp role's build tasks against two source trees that differ only
// in the RPC worker's name (ggml-rpc-server in current llama.cpp releases,
// rpc-server before): each is built and installed under its own name, the
// other name links to it, and a second run changes nothing.
import { lstat, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../../agent/util/paths.js';
import { parseYaml } from '../../agent/util/yaml.js';
import { parseRecap, runPlaybook } from './ansible-env.js';
import { firstReason, missingCommand, testUnless } from '../support/skip.js';

const buildTest = testUnless(firstReason(missingCommand('ansible-playbook'), missingCommand('cmake'), missingCommand('cc'))).serial;

async function sourceTree(dir: string, rpcName: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'CMakeLists.txt'), [
    'cmake_minimum_required(VERSION 3.16)',
    'project(llama_standin C)',
    `foreach(tool ${rpcName} llama-server llama-bench)`,
    '  add_executable(${tool} tool.c)',
    '  set_target_properties(${tool} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)',
    'endforeach()',
    '',
  ].join('\n'));
  await writeFile(join(dir, 'tool.c'), 'int main(void) { return 0; }\n');
}

for (const [rpcName, otherName] of [['ggml-rpc-server', 'rpc-server'], ['rpc-server', 'ggml-rpc-server']] as const) {
  buildTest(`a release whose worker is ${rpcName} installs it under that name and links ${otherName} to it`, async (t) => {
    t.timeout(300_000);
    const work = await mkdtemp(join(tmpdir(), 'hearth-llamacpp-names-'));
    t.teardown(() => rm(work, { recursive: true, force: true }));
    const src = join(work, 'src');
    const bin = join(work, 'bin');
    await sourceTree(src, rpcName);
    await mkdir(bin);
    // The role's own lists of tools and worker names; every path points into the temporary folder.
    const defaults = parseYaml(await readFile(repoPath('ansible', 'roles', 'llamacpp', 'defaults', 'main.yml'), 'utf8')) as Record<string, unknown>;
    const vars = {
      llamacpp_targets: defaults['llamacpp_targets'],
      llamacpp_rpc_names: defaults['llamacpp_rpc_names'],
      llamacpp_src_dir: src,
      llamacpp_build_dir: join(work, 'build'),
      llamacpp_bin_dir: bin,
      llamacpp_cmake_args: [],
      llamacpp_jobs: 2,
    };
    const playbook = join(work, 'play.yml');
    await writeFile(playbook, JSON.stringify([{
      hosts: 'localhost',
      connection: 'local',
      gather_facts: false,
      vars,
      tasks: [{ name: 'Build and install llama.cpp', 'ansible.builtin.import_tasks': repoPath('ansible', 'roles', 'llamacpp', 'tasks', 'build.yml') }],
    }]));
    const first = await runPlaybook(['-i', 'localhost,', playbook]);
    t.is(first.code, 0, first.stdout + first.stderr);
    t.true((await lstat(join(bin, rpcName))).isFile());
    t.is(await readlink(join(bin, otherName)), rpcName);
    for (const tool of ['llama-server', 'llama-bench']) t.true((await lstat(join(bin, tool))).isFile());
    const second = await runPlaybook(['-i', 'localhost,', playbook]);
    t.is(second.code, 0, second.stdout + second.stderr);
    t.is(parseRecap(second.stdout).get('localhost')?.changed, 0, second.stdout);
  });
}
