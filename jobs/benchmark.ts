// A batch job that runs llama-bench once for a catalog model, optionally on a
// chosen node, printing JSON (-o json) that parseLlamaBench reads from the logs.
import { z } from 'zod';
import type { Job } from '../agent/nomad/types.js';
import { findModel } from '../agent/models/schema.js';
import { invalidInput } from '../agent/errors.js';
import { buildJobShell, commonVars, seconds, type BuildContext } from './common.js';
import { RULES, integerVar, ruled } from './rules.js';

export const vars = z
  .object({
    job_name: ruled(RULES.name).describe('Nomad job ID'),
    model: ruled(RULES.name).describe('catalog name of the GGUF model to benchmark'),
    node: ruled(RULES.nodeName).optional().describe('run on this Nomad node'),
    n_prompt: integerVar(1, 65_536).default(512).describe('prompt tokens per prompt-processing test (-p)'),
    n_gen: integerVar(1, 65_536).default(128).describe('tokens per text-generation test (-n)'),
    repetitions: integerVar(1, 100).default(5).describe('repetitions of each test (-r)'),
    threads: integerVar(1, 1024).optional().describe('CPU threads (-t); llama-bench picks when unset'),
    memory_mb: integerVar(64, 2_097_152).default(4096).describe('memory reserved for the run, in MiB'),
    llama_bench_bin: ruled(RULES.absolutePath).default('/usr/local/bin/llama-bench').describe('llama-bench binary on the nodes'),
    ...commonVars,
  })
  .strict();

export type BenchmarkVars = z.output<typeof vars>;

export function build(v: BenchmarkVars, ctx: BuildContext = {}): Job {
  const entry = ctx.catalog === undefined ? undefined : findModel(ctx.catalog, v.model);
  if (entry?.gguf === undefined) throw invalidInput('model', 'a llamacpp-rpc (GGUF) model in the model catalog', v.model, 'the model catalog');
  const args = ['-m', entry.gguf, '-p', String(v.n_prompt), '-n', String(v.n_gen), '-r', String(v.repetitions), '-o', 'json'];
  if (v.threads !== undefined) args.push('-t', String(v.threads));
  const job = buildJobShell(v.job_name, 'batch', v, { 'hearth-template': 'benchmark', 'hearth-model': v.model });
  job.TaskGroups = [
    {
      Name: 'bench',
      Count: 1,
      ...(v.node === undefined ? {} : { Constraints: [{ LTarget: '${node.unique.name}', Operand: '=', RTarget: v.node }] }),
      // A benchmark that fails says so; retrying it elsewhere would measure another node.
      RestartPolicy: { Attempts: 0, Mode: 'fail' },
      ReschedulePolicy: { Attempts: 0, Unlimited: false },
      Tasks: [
        {
          Name: 'llama-bench',
          Driver: 'raw_exec',
          Config: { command: v.llama_bench_bin, args },
          Resources: { CPU: 2000, MemoryMB: Math.max(v.memory_mb, entry.memory_mb) },
          KillTimeout: seconds(30),
          LogConfig: { MaxFiles: 2, MaxFileSizeMB: 10 },
        },
      ],
    },
  ];
  return job;
}
