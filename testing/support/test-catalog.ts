// A fixed model catalog for the builders' and runner's tests and the golden files.
import { catalogSchema, type ModelCatalog } from '../../agent/models/schema.js';

export function buildTestCatalog(): ModelCatalog {
  return catalogSchema.parse({
    models: [
      { name: 'tiny-q4', gguf: '/srv/models/tiny-q4_k_m.gguf', quantization: 'Q4_K_M', context_length: 2048, memory_mb: 512, backend: 'llamacpp-rpc' },
      { name: 'small-q8', gguf: '/srv/models/small-q8_0.gguf', quantization: 'Q8_0', context_length: 4096, memory_mb: 1024, backend: 'llamacpp-rpc' },
      { name: 'qwen-7b-fp16', repo: 'Qwen/Qwen2.5-7B-Instruct', quantization: 'fp16', context_length: 32768, memory_mb: 16384, backend: 'vllm' },
    ],
    test_models: ['tiny-q4', 'small-q8'],
  });
}

/** Variables for a prima-expert over this catalog. */
export function primaExpertVars(): Record<string, unknown> {
  return { job_name: 'test-expert', service_name: 'prima-api-test', model_list: ['tiny-q4', 'small-q8'], model_index: 0, worker_count: 1, backend: 'llamacpp-rpc' };
}
