// Variables that exercise every part of each template: the golden files and
// the real-Nomad validation render these.
export const REPRESENTATIVE_VARS: Readonly<Record<string, Record<string, unknown>>> = {
  'llamacpp-rpc': { job_name: 'pool-tiny', model: 'tiny-q4', model_path: '/srv/models/tiny-q4_k_m.gguf', expert: 'general', worker_count: '3', rpc_cache: 'true' },
  'vllm-expert': { job_name: 'gpu-general', expert: 'gpu-general', model: 'qwen-7b-fp16', model_repo: 'Qwen/Qwen2.5-7B-Instruct', gpu_count: 2 },
  'prima-expert': { job_name: 'creative-expert', service_name: 'prima-api-creative', namespace: 'creative', model_list: 'tiny-q4,small-q8', worker_count: 2 },
  benchmark: { job_name: 'bench-tiny', model: 'tiny-q4', node: 'node-2' },
};
