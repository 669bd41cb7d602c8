// A distributed llama.cpp pool for one model: rpc-server workers, one per
// node, and a llama-server that offloads to whichever workers are healthy.
import { z } from 'zod';
import type { Job, Task, TaskGroup } from '../agent/nomad/types.js';
import { buildExpertService, buildJobShell, buildServiceRestart, buildTcpCheck, buildUpdate, commonVars, descriptionVar, healthVars, seconds, SERVICE_SHUTDOWN_DELAY, type BuildContext } from './common.js';
import { launcherDest, readLauncher } from './launchers.js';
import { RULES, booleanVar, integerVar, ruled } from './rules.js';
import { EXPERT_PREFIX } from '../agent/consul/expert-prefix.js';

/** Where the llama.cpp binaries are on the nodes (this pool and a prima-expert on it). */
export const llamacppBinaryVars = {
  llama_server_bin: ruled(RULES.absolutePath).default('/usr/local/bin/llama-server').describe('llama-server binary on the nodes'),
  rpc_server_bin: ruled(RULES.absolutePath).default('/usr/local/bin/ggml-rpc-server').describe('RPC worker binary on the nodes (ggml-rpc-server, or rpc-server in older llama.cpp: either name is found)'),
};

export const vars = z
  .object({
    job_name: ruled(RULES.name).describe('Nomad job ID'),
    model: ruled(RULES.name).describe('model name; the workers register as llamacpp-rpc-<model>'),
    description: descriptionVar,
    model_path: ruled(RULES.absolutePath).describe('absolute path of the GGUF file on the server node'),
    expert: ruled(RULES.name).describe(`expert name; the API registers as ${EXPERT_PREFIX}<expert>`),
    worker_count: integerVar(0, 64).default(3).describe('rpc-server workers, at most one per node'),
    rpc_port: integerVar(1024, 65535).default(50052).describe('static port every rpc-server listens on'),
    api_port: integerVar(1024, 65535).default(8080).describe('static port of the OpenAI-compatible API'),
    rpc_cache: booleanVar().default(false).describe('let rpc-server keep a local tensor cache (-c)'),
    context_length: integerVar(256, 1_048_576).default(4096).describe('context window passed to llama-server'),
    server_memory_mb: integerVar(64, 2_097_152).default(4096).describe('memory reserved for llama-server, in MiB'),
    worker_memory_mb: integerVar(64, 2_097_152).default(2048).describe('memory reserved per rpc-server, in MiB'),
    node: ruled(RULES.nodeName).optional().describe('pin llama-server to this Nomad node'),
    ...llamacppBinaryVars,
    ...commonVars,
    ...healthVars,
  })
  .strict();

export type LlamacppRpcVars = z.output<typeof vars>;

export const workerServiceName = (model: string): string => `llamacpp-rpc-${model}`;

/** The template that lists healthy workers as "addr:port," (consul-template's `service` returns passing instances only). */
export function renderWorkersTemplate(model: string): string {
  return `RPC_WORKERS={{ range service "${workerServiceName(model)}" }}{{ .Address }}:{{ .Port }},{{ end }}\n`;
}

function buildWorkerTask(v: LlamacppRpcVars): Task {
  return {
    Name: 'rpc-server',
    Driver: 'raw_exec',
    Config: { command: '/bin/sh', args: [`\${NOMAD_TASK_DIR}/${launcherDest('rpc-server').slice('local/'.length)}`] },
    Env: { RPC_SERVER_BIN: v.rpc_server_bin, RPC_CACHE: String(v.rpc_cache) },
    Templates: [{ EmbeddedTmpl: readLauncher('rpc-server'), DestPath: launcherDest('rpc-server'), ChangeMode: 'restart', Perms: '0755' }],
    Services: [
      {
        Name: workerServiceName(v.model),
        PortLabel: 'rpc',
        Provider: 'consul',
        Tags: ['llamacpp-rpc', `model-${v.model}`],
        Checks: [buildTcpCheck('rpc-port', 'rpc', v)],
      },
    ],
    Resources: { CPU: 1000, MemoryMB: v.worker_memory_mb },
    KillTimeout: seconds(v.kill_timeout_s),
    ShutdownDelay: SERVICE_SHUTDOWN_DELAY,
    KillSignal: 'SIGTERM',
  };
}

function buildWorkers(v: LlamacppRpcVars): TaskGroup {
  return {
    Name: 'workers',
    Count: v.worker_count,
    // One worker per node: two on one host would share its memory and gain nothing.
    Constraints: [{ Operand: 'distinct_hosts', RTarget: 'true' }],
    Networks: [{ Mode: 'host', ReservedPorts: [{ Label: 'rpc', Value: v.rpc_port }] }],
    RestartPolicy: buildServiceRestart(),
    Update: buildUpdate(v),
    Tasks: [buildWorkerTask(v)],
  };
}

function buildServerTask(v: LlamacppRpcVars): Task {
  return {
    Name: 'llama-server',
    Driver: 'raw_exec',
    Config: { command: '/bin/sh', args: [`\${NOMAD_TASK_DIR}/${launcherDest('llama-server').slice('local/'.length)}`] },
    Env: { LLAMA_SERVER_BIN: v.llama_server_bin, LLAMA_MODEL: v.model_path, LLAMA_CTX_SIZE: String(v.context_length) },
    Templates: [
      { EmbeddedTmpl: readLauncher('llama-server'), DestPath: launcherDest('llama-server'), ChangeMode: 'restart', Perms: '0755' },
      {
        // Re-rendered whenever the set of healthy workers changes; the restart
        // makes llama-server pick the new set up (or fall back to the CPU).
        EmbeddedTmpl: renderWorkersTemplate(v.model),
        DestPath: 'local/rpc-workers.env',
        ChangeMode: 'restart',
        Envvars: true,
        Splay: seconds(5),
      },
    ],
    Services: [buildExpertService(v, 'llamacpp', 'llamacpp-rpc')],
    Resources: { CPU: 2000, MemoryMB: v.server_memory_mb },
    KillTimeout: seconds(v.kill_timeout_s),
    ShutdownDelay: SERVICE_SHUTDOWN_DELAY,
    KillSignal: 'SIGTERM',
  };
}

function buildServer(v: LlamacppRpcVars): TaskGroup {
  return {
    Name: 'server',
    Count: 1,
    ...(v.node === undefined ? {} : { Constraints: [{ LTarget: '${node.unique.name}', Operand: '=', RTarget: v.node }] }),
    Networks: [{ Mode: 'host', ReservedPorts: [{ Label: 'http', Value: v.api_port }] }],
    RestartPolicy: buildServiceRestart(),
    Update: buildUpdate(v),
    Tasks: [buildServerTask(v)],
  };
}

export function build(v: LlamacppRpcVars, _ctx: BuildContext = {}): Job {
  const job = buildJobShell(v.job_name, 'service', v, { 'hearth-template': 'llamacpp-rpc', 'hearth-model': v.model });
  job.Update = buildUpdate(v);
  job.TaskGroups = v.worker_count > 0 ? [buildWorkers(v), buildServer(v)] : [buildServer(v)];
  return job;
}
