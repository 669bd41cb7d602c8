// hearth models [--json]: the model catalog and the experts' model lists.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { resolveCatalogPath } from '../jobs-runner/catalog-context.js';
import { loadCatalog } from '../models/load.js';
import { listExpertLists } from '../models/schema.js';
import { EXIT_OK, type CliIo } from './command.js';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false }, config: { type: 'string' } }, strict: true });
  const loaded = loadConfig({ configPath: values.config, env: io.env });
  const file = resolveCatalogPath(loaded);
  const catalog = loadCatalog(file);
  const lists = listExpertLists(catalog);
  if (values.json) {
    io.stdout.write(JSON.stringify({ file, models: catalog.models, experts: lists }, null, 2) + '\n');
    return EXIT_OK;
  }
  const rows = [['NAME', 'BACKEND', 'QUANT', 'CONTEXT', 'MEMORY', 'SOURCE'], ...catalog.models.map((m) => [m.name, m.backend, m.quantization, String(m.context_length), `${m.memory_mb} MiB`, m.gguf ?? m.repo ?? ''])];
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  io.stdout.write(`# ${file}\n`);
  io.stdout.write(rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n\n');
  for (const [expert, names] of Object.entries(lists)) io.stdout.write(`${expert}: ${names.join(', ')}\n`);
  return EXIT_OK;
}
