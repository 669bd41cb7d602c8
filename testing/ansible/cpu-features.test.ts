// The llamacpp role builds llama.cpp with only the CPU features the host has:
// a Core 2 (SSE4.1, no AVX) must get every AVX option off, a Skylake desktop
// AVX2/FMA/F16C on and AVX-512 off, and RPC is always on.
import test from 'ava';
import { repoPath } from '../../agent/util/paths.js';
import { runPlaybook } from './ansible-env.js';

async function deriveCmakeArgs(cpuinfoFixture: string): Promise<Map<string, string>> {
  const result = await runPlaybook(
    [
      '-i',
      'localhost,',
      '-c',
      'local',
      repoPath('testing', 'ansible', 'fixtures', 'cpu-features.yaml'),
      '-e',
      `llamacpp_cpuinfo_path=${repoPath('testing', 'ansible', 'fixtures', cpuinfoFixture)}`,
    ],
    { ANSIBLE_STDOUT_CALLBACK: 'ansible.builtin.json' },
  );
  if (result.code !== 0) throw new Error(`ansible-playbook exited ${result.code}: ${result.stdout}${result.stderr}`);
  const report = JSON.parse(result.stdout) as {
    plays: Array<{ tasks: Array<{ hosts: Record<string, { llamacpp_cmake_args?: string[] }> }> }>;
  };
  const tasks = report.plays[0]?.tasks ?? [];
  const args = tasks.at(-1)?.hosts['localhost']?.llamacpp_cmake_args;
  if (args === undefined) throw new Error(`no llamacpp_cmake_args in ${result.stdout}`);
  return new Map(
    args.map((arg) => {
      const match = /^-D([A-Z0-9_]+)=(.*)$/.exec(arg);
      if (match?.[1] === undefined || match[2] === undefined) throw new Error(`not a -DNAME=VALUE argument: ${arg}`);
      return [match[1], match[2]];
    }),
  );
}

test('a Core 2 without AVX gets every AVX option turned off and SSE4.2 off', async (t) => {
  const options = await deriveCmakeArgs('cpuinfo-core2.txt');
  for (const name of ['GGML_AVX', 'GGML_AVX2', 'GGML_FMA', 'GGML_F16C', 'GGML_AVX512', 'GGML_BMI2', 'GGML_SSE42']) {
    t.is(options.get(name), 'OFF', name);
  }
  t.is(options.get('GGML_NATIVE'), 'OFF');
  t.is(options.get('GGML_RPC'), 'ON');
});

test('a Skylake desktop gets AVX2, FMA and F16C but not AVX-512', async (t) => {
  const options = await deriveCmakeArgs('cpuinfo-skylake.txt');
  for (const name of ['GGML_SSE42', 'GGML_AVX', 'GGML_AVX2', 'GGML_FMA', 'GGML_F16C', 'GGML_BMI2']) {
    t.is(options.get(name), 'ON', name);
  }
  for (const name of ['GGML_AVX512', 'GGML_AVX_VNNI']) {
    t.is(options.get(name), 'OFF', name);
  }
  t.is(options.get('GGML_RPC'), 'ON');
  t.is(options.get('GGML_NATIVE'), 'OFF');
});
