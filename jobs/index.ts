// The job templates hearth knows, by name: each a variables schema and a pure
// build(vars, ctx) -> Job.
import type { z } from 'zod';
import type { Job } from '../agent/nomad/types.js';
import type { BuildContext } from './common.js';
import * as benchmark from './benchmark.js';
import * as llamacppRpc from './llamacpp-rpc.js';
import * as primaExpert from './prima-expert.js';
import * as vllmExpert from './vllm-expert.js';

export interface JobTemplate {
  readonly name: string;
  readonly summary: string;
  readonly vars: z.ZodTypeAny;
  /** Builds the job from variables that `vars` already parsed. */
  readonly build: (vars: never, ctx: BuildContext) => Job;
  /** True when build needs the model catalog. */
  readonly needsCatalog: boolean;
}

export const TEMPLATES: readonly JobTemplate[] = [
  { name: 'llamacpp-rpc', summary: 'llama.cpp RPC pool: rpc-server per node and a llama-server using the healthy ones', vars: llamacppRpc.vars, build: llamacppRpc.build, needsCatalog: false },
  { name: 'vllm-expert', summary: 'vLLM OpenAI server on a GPU node (docker, nvidia/gpu)', vars: vllmExpert.vars, build: vllmExpert.build, needsCatalog: false },
  { name: 'prima-expert', summary: 'An expert served by the first healthy model of its catalog list (llamacpp-rpc or vllm)', vars: primaExpert.vars, build: primaExpert.build, needsCatalog: true },
  { name: 'benchmark', summary: 'llama-bench for one catalog model (and node), JSON output', vars: benchmark.vars, build: benchmark.build, needsCatalog: true },
];

export function findTemplate(name: string): JobTemplate | undefined {
  return TEMPLATES.find((template) => template.name === name);
}
