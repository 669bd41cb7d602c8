// The model catalog, shared with Ansible (ansible/group_vars/models.yaml).
// Structure:
//   models:                      the catalog: one entry per model
//     - name: qwen2-5-7b-q4      lowercase-hyphen, unique
//       gguf: /srv/models/x.gguf  (llamacpp-rpc) or repo: owner/name (vllm)
//       quantization: Q4_K_M
//       context_length: 8192
//       memory_mb: 6144            what the serving node must have free
//       backend: llamacpp-rpc | vllm
//   <expert>_models: [name, ...]  ordered preference per expert; every name is in `models`
import { z } from 'zod';
import { RULES, ruled } from '../../jobs/rules.js';

export const BACKENDS = ['llamacpp-rpc', 'vllm'] as const;
export type Backend = (typeof BACKENDS)[number];

export const modelEntrySchema = z
  .object({
    name: ruled(RULES.name).describe('the model name experts refer to'),
    gguf: ruled(RULES.absolutePath).optional().describe('absolute path of the GGUF file on the nodes (llamacpp-rpc)'),
    repo: ruled(RULES.repoId).optional().describe('repository id the vLLM server loads (vllm)'),
    quantization: ruled(RULES.quantization).describe('quantization label, e.g. Q4_K_M or fp16'),
    context_length: z.number().int().min(256).max(1_048_576).describe('context window in tokens'),
    memory_mb: z.number().int().min(64).max(2_097_152).describe('memory the serving node needs, in MiB'),
    backend: z.enum(BACKENDS).describe('which job serves it'),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (entry.backend === 'llamacpp-rpc' && entry.gguf === undefined) {
      ctx.addIssue({ code: 'custom', path: ['gguf'], message: 'expected a gguf path for a llamacpp-rpc model' });
    }
    if (entry.backend === 'vllm' && entry.repo === undefined) {
      ctx.addIssue({ code: 'custom', path: ['repo'], message: 'expected a repo id for a vllm model' });
    }
  });

export type ModelEntry = z.infer<typeof modelEntrySchema>;

/** Keys holding an expert's ordered model list end with this. */
export const EXPERT_LIST_SUFFIX = '_models';
const EXPERT_LIST_KEY = /^[a-z][a-z0-9_]*_models$/;

export const catalogSchema = z
  .object({ models: z.array(modelEntrySchema).min(1) })
  .catchall(z.array(ruled(RULES.name)))
  .superRefine((catalog, ctx) => {
    const names = new Set<string>();
    catalog.models.forEach((entry, index) => {
      if (names.has(entry.name)) ctx.addIssue({ code: 'custom', path: ['models', index, 'name'], message: `duplicate model name ${entry.name}` });
      names.add(entry.name);
    });
    for (const [key, value] of Object.entries(catalog)) {
      if (key === 'models') continue;
      if (!EXPERT_LIST_KEY.test(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `expected only "models" and keys ending in "${EXPERT_LIST_SUFFIX}"` });
        continue;
      }
      (value as string[]).forEach((name, index) => {
        if (!names.has(name)) ctx.addIssue({ code: 'custom', path: [key, index], message: `unknown model ${name} (not in models)` });
      });
    }
  });

export type ModelCatalog = z.infer<typeof catalogSchema>;

/** The expert lists of a catalog: key -> ordered model names. */
export function listExpertLists(catalog: ModelCatalog): Record<string, string[]> {
  const lists: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(catalog)) if (key !== 'models') lists[key] = value as string[];
  return lists;
}

/** The catalog entry of a model name, or undefined. */
export function findModel(catalog: ModelCatalog, name: string): ModelEntry | undefined {
  return catalog.models.find((entry) => entry.name === name);
}
