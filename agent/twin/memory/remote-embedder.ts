// Embeddings from the cluster: an embedding expert's OpenAI-compatible
// /v1/embeddings (the first expert whose name starts with prima-api-embed).
// When none is listed or it fails, long-term memory uses the local embedder
// alone; every memory always has a local vector too. The openai package is
// loaded at the first embedding (../openai-package.ts).
import type OpenAI from 'openai';
import { loadOpenAi } from '../openai-package.js';
import { normalise } from './local-embedder.js';

export interface RemoteEmbedder {
  /** Names the model and server, so vectors from different embedders are never compared. */
  readonly id: string;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

export function createRemoteEmbedder(options: { baseUrl: string; model: string; name: string; timeoutMs?: number }): RemoteEmbedder {
  let client: OpenAI | undefined;
  return {
    id: `${options.name}/${options.model}`,
    async embed(texts, signal) {
      client ??= new (await loadOpenAi())({ baseURL: options.baseUrl, apiKey: 'hearth', maxRetries: 0, timeout: options.timeoutMs ?? 10_000 });
      const response = await client.embeddings.create({ model: options.model, input: [...texts] }, signal === undefined ? {} : { signal });
      return [...response.data].sort((a, b) => a.index - b.index).map((d) => normalise(Float32Array.from(d.embedding as number[])));
    },
  };
}
