import test from 'ava';
import { readFileSync } from 'node:fs';
import { isHearthError } from '../errors.js';
import { repoPath } from '../util/paths.js';
import { parseCatalog } from './load.js';
import { listExpertLists } from './schema.js';

test('the repository catalog validates and every expert list names catalog models', (t) => {
  const catalog = parseCatalog(readFileSync(repoPath('ansible', 'group_vars', 'models.yaml'), 'utf8'), 'models.yaml');
  const lists = listExpertLists(catalog);
  t.true(Object.keys(lists).includes('creative_writing_models'));
  t.true(Object.keys(lists).includes('coding_models'));
});

test('an expert list naming an unknown model is rejected with its key path', (t) => {
  const text = 'models:\n  - {name: a, gguf: /m/a.gguf, quantization: Q4_0, context_length: 2048, memory_mb: 512, backend: llamacpp-rpc}\ncoding_models: [a, ghost]\n';
  const err = t.throws(() => parseCatalog(text, 'f.yaml'));
  t.true(isHearthError(err, 'HEARTH_ERR_CONFIG_INVALID'));
  t.regex(err?.message ?? '', /coding_models\.1: unknown model ghost/);
});

test('a llamacpp-rpc model without a gguf path and a stray key are rejected', (t) => {
  const text = 'models:\n  - {name: a, quantization: Q4_0, context_length: 2048, memory_mb: 512, backend: llamacpp-rpc}\nfavourites: [a]\n';
  const err = t.throws(() => parseCatalog(text, 'f.yaml'));
  t.regex(err?.message ?? '', /models\.0\.gguf: expected a gguf path/);
  t.regex(err?.message ?? '', /favourites: expected only "models"/);
});

test('a model path with ".." is rejected', (t) => {
  const text = 'models:\n  - {name: a, gguf: /m/../etc/shadow, quantization: Q4_0, context_length: 2048, memory_mb: 512, backend: llamacpp-rpc}\n';
  t.throws(() => parseCatalog(text, 'f.yaml'), { message: /models\.0\.gguf/ });
});
