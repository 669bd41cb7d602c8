// The unified expert: one of an ordered list of catalog models, served by a
// llama.cpp RPC pool or by vLLM. It composes the llamacpp-rpc and vllm-expert
// builders; `hearth jobs run` walks model_index down the list on failure.
import { z } from 'zod';
import type { Job } from '../agent/nomad/types.js';
import { BACKENDS, findModel, type ModelEntry } from '../agent/models/schema.js';
import { invalidInput } from '../agent/errors.js';
import { commonVars, descriptionVar, healthVars, type BuildContext } from './common.js';
import * as llamacppRpc from './llamacpp-rpc.js';
import * as vllmExpert from './vllm-expert.js';
import { RULES, integerVar, listVar, ruled } from './rules.js';
import { EXPERT_PREFIX } from '../agent/consul/expert-prefix.js';

export const vars = z
  .object({
    job_name: ruled(RULES.name).describe('Nomad job ID'),
    service_name: ruled(RULES.expertService).describe(`Consul service of the API; must start with ${EXPERT_PREFIX}`),
    description: descriptionVar,
    model_list: listVar(RULES.name, 1).describe('catalog model names in order of preference'),
    model_index: integerVar(0, 63).default(0).describe('which entry of model_list to deploy (hearth jobs run advances it on failure)'),
    worker_count: integerVar(0, 64).default(2).describe('rpc-server workers for the llamacpp-rpc backend'),
    backend: z.enum(BACKENDS).default('llamacpp-rpc').describe('llamacpp-rpc or vllm'),
    api_port: integerVar(1024, 65535).default(8080).describe('static port of the OpenAI-compatible API'),
    rpc_port: integerVar(1024, 65535).default(50052).describe('static port of the rpc-server workers'),
    node: ruled(RULES.nodeName).optional().describe('pin the API server to this Nomad node'),
    ...llamacppRpc.llamacppBinaryVars,
    ...commonVars,
    ...healthVars,
  })
  .strict();

export type PrimaExpertVars = z.output<typeof vars>;

const SOURCE = 'the model catalog';

/** The catalog entry the variables select; every failure names model_list. */
export function selectModel(v: PrimaExpertVars, ctx: BuildContext): ModelEntry {
  const name = v.model_list[v.model_index];
  if (name === undefined) throw invalidInput('model_index', `an index below ${v.model_list.length} (the length of model_list)`, v.model_index, 'variables');
  if (ctx.catalog === undefined) throw invalidInput('model_list', 'model names resolvable in a model catalog (none was loaded)', name, SOURCE);
  const entry = findModel(ctx.catalog, name);
  if (entry === undefined) {
    throw invalidInput('model_list', `names of models in the catalog (${ctx.catalog.models.map((m) => m.name).join(', ')})`, name, SOURCE);
  }
  if (entry.backend !== v.backend) throw invalidInput('model_list', `models served by the ${v.backend} backend`, `${name} (backend ${entry.backend})`, SOURCE);
  return entry;
}

export function build(v: PrimaExpertVars, ctx: BuildContext = {}): Job {
  const entry = selectModel(v, ctx);
  const expert = v.service_name.slice(EXPERT_PREFIX.length);
  const shared = {
    job_name: v.job_name,
    expert,
    model: entry.name,
    api_port: v.api_port,
    namespace: v.namespace,
    datacenters: v.datacenters,
    health_grace_s: v.health_grace_s,
    kill_timeout_s: v.kill_timeout_s,
    check_interval_s: v.check_interval_s,
    ...(v.node === undefined ? {} : { node: v.node }),
    ...(v.description === undefined ? {} : { description: v.description }),
  };
  const job =
    v.backend === 'vllm'
      ? vllmExpert.build(vllmExpert.vars.parse({ ...shared, model_repo: entry.repo, max_model_len: entry.context_length, memory_mb: Math.max(entry.memory_mb, 256) }))
      : llamacppRpc.build(
          llamacppRpc.vars.parse({
            ...shared,
            model_path: entry.gguf,
            worker_count: v.worker_count,
            rpc_port: v.rpc_port,
            context_length: entry.context_length,
            server_memory_mb: entry.memory_mb,
            llama_server_bin: v.llama_server_bin,
            rpc_server_bin: v.rpc_server_bin,
          }),
        );
  job.Meta = { ...job.Meta, 'hearth-template': 'prima-expert', 'hearth-model-list': v.model_list.join(','), 'hearth-model-index': String(v.model_index) };
  return job;
}
