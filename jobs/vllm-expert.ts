// A vLLM OpenAI-compatible server on a GPU node, through the docker driver.
import { z } from 'zod';
import type { Job, Task } from '../agent/nomad/types.js';
import { buildExpertService, buildJobShell, buildServiceRestart, buildUpdate, commonVars, descriptionVar, healthVars, seconds, SERVICE_SHUTDOWN_DELAY, type BuildContext } from './common.js';
import { EXPERT_PREFIX } from '../agent/consul/expert-prefix.js';
import { RULES, booleanVar, integerVar, ruled } from './rules.js';

/** The port vLLM listens on inside its container. */
const CONTAINER_PORT = 8000;

export const vars = z
  .object({
    job_name: ruled(RULES.name).describe('Nomad job ID'),
    expert: ruled(RULES.name).describe(`expert name; the API registers as ${EXPERT_PREFIX}<expert>`),
    model: ruled(RULES.name).describe('model name (catalog name), recorded in the service meta'),
    description: descriptionVar,
    model_repo: ruled(RULES.repoId).describe('repository id vLLM loads, OWNER/NAME'),
    image: ruled(RULES.image).default('vllm/vllm-openai:v0.33.0').describe('vLLM image with a pinned tag'),
    gpu_count: integerVar(1, 16).default(1).describe('GPUs to request (device "nvidia/gpu")'),
    gpu_memory_mib: integerVar(1024, 1_048_576).default(16_384).describe('minimum memory per GPU, in MiB'),
    max_model_len: integerVar(256, 1_048_576).default(8192).describe('context window passed as --max-model-len'),
    enable_auto_tool_choice: booleanVar().default(true).describe('pass --enable-auto-tool-choice'),
    tool_call_parser: ruled(RULES.word).default('hermes').describe('vLLM tool-call parser (--tool-call-parser)'),
    api_port: integerVar(1024, 65535).default(8000).describe('static host port of the OpenAI-compatible API'),
    memory_mb: integerVar(256, 2_097_152).default(16_384).describe('host memory reserved for the container, in MiB'),
    node: ruled(RULES.nodeName).optional().describe('pin the server to this Nomad node'),
    ...commonVars,
    ...healthVars,
    health_grace_s: healthVars.health_grace_s.default(600),
    kill_timeout_s: healthVars.kill_timeout_s.default(120),
  })
  .strict();

export type VllmExpertVars = z.output<typeof vars>;

function buildArgs(v: VllmExpertVars): string[] {
  const args = ['--model', v.model_repo, '--host', '0.0.0.0', '--port', String(CONTAINER_PORT), '--max-model-len', String(v.max_model_len)];
  if (v.enable_auto_tool_choice) args.push('--enable-auto-tool-choice', '--tool-call-parser', v.tool_call_parser);
  return args;
}

function buildTask(v: VllmExpertVars): Task {
  return {
    Name: 'vllm',
    Driver: 'docker',
    Config: { image: v.image, ports: ['http'], args: buildArgs(v), shm_size: 2_147_483_648 },
    Services: [buildExpertService(v, 'vllm', 'vllm')],
    Resources: {
      CPU: 4000,
      MemoryMB: v.memory_mb,
      Devices: [
        {
          Name: 'nvidia/gpu',
          Count: v.gpu_count,
          Constraints: [{ LTarget: '${device.attr.memory}', Operand: '>=', RTarget: `${v.gpu_memory_mib} MiB` }],
        },
      ],
    },
    KillTimeout: seconds(v.kill_timeout_s),
    ShutdownDelay: SERVICE_SHUTDOWN_DELAY,
    KillSignal: 'SIGTERM',
  };
}

export function build(v: VllmExpertVars, _ctx: BuildContext = {}): Job {
  const job = buildJobShell(v.job_name, 'service', v, { 'hearth-template': 'vllm-expert', 'hearth-model': v.model });
  job.Update = buildUpdate(v);
  job.TaskGroups = [
    {
      Name: 'server',
      Count: 1,
      ...(v.node === undefined ? {} : { Constraints: [{ LTarget: '${node.unique.name}', Operand: '=', RTarget: v.node }] }),
      Networks: [{ Mode: 'host', ReservedPorts: [{ Label: 'http', Value: v.api_port, To: CONTAINER_PORT }] }],
      RestartPolicy: buildServiceRestart(),
      Update: buildUpdate(v),
      Tasks: [buildTask(v)],
    },
  ];
  return job;
}
