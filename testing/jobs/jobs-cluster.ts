// The job tests' view of a simulated 3-node cluster (testing/support/sim-harness.ts):
// helpers to run the CLI against it and to read what the fake llama.cpp
// binaries report.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringifyYaml as toYaml } from '../../agent/util/yaml.js';
import { repoPath } from '../../agent/util/paths.js';
import { startSimFor } from '../support/sim-harness.js';
import { runHearth, type CliResult } from './cli-process.js';

export interface JobsCluster {
  readonly nomadAddr: string;
  readonly consulAddr: string;
  readonly dir: string;
  hearth(args: readonly string[]): Promise<CliResult>;
  writeConfig(name: string, config: Record<string, unknown>): string;
  writeFile(name: string, text: string): string;
}

export const FAKE_LLAMA_SERVER = repoPath('testing', 'fixtures', 'fake-llama-server.mjs');
export const FAKE_RPC_SERVER = repoPath('testing', 'fixtures', 'fake-llama-rpc-server.mjs');
export const FAKE_LLAMA_BENCH = repoPath('testing', 'fixtures', 'fake-llama-bench.mjs');

/** Static ports unlikely to collide with other tests on this machine. */
export function pickPortBase(): number {
  return 20_000 + Math.floor(Math.random() * 400) * 100;
}

export async function startJobsCluster(t: { teardown: (fn: () => Promise<void> | void) => void }): Promise<JobsCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-jobs-sim-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { nomadAddr, consulAddr } = await startSimFor(t, { nodes: 3, maxCheckIntervalMs: 500 });
  const env = { NOMAD_ADDR: nomadAddr, CONSUL_HTTP_ADDR: consulAddr };
  return {
    nomadAddr,
    consulAddr,
    dir,
    hearth: (args) => runHearth(args, env, 120_000),
    writeConfig(name, config) {
      const path = join(dir, name);
      writeFileSync(path, toYaml({ nomad: { addr: nomadAddr }, consul: { addr: consulAddr }, ...config }));
      return path;
    },
    writeFile(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}


export interface FakeServerArgs {
  readonly argv: string[];
  readonly model: string;
  readonly rpc: string[];
}

export async function readFakeServerArgs(address: string): Promise<FakeServerArgs> {
  const response = await fetch(`http://${address}/hearth-fake/args`, { signal: AbortSignal.timeout(2000) });
  return (await response.json()) as FakeServerArgs;
}
