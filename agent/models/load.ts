// Reads the model catalog file and validates it with the shared schema.
import { existsSync, readFileSync } from 'node:fs';
import { parseYaml } from '../util/yaml.js';
import { HearthError } from '../errors.js';
import { repoPath } from '../util/paths.js';
import { catalogSchema, type ModelCatalog } from './schema.js';

export const SYSTEM_CATALOG_PATH = '/etc/hearth/models.yaml';

/** The default catalog: the repository's group_vars file when present, else /etc/hearth/models.yaml. */
export function defaultCatalogPath(): string {
  const inRepo = repoPath('ansible', 'group_vars', 'models.yaml');
  return existsSync(inRepo) ? inRepo : SYSTEM_CATALOG_PATH;
}

/** Parses catalog text; every problem names its key path and the file. */
export function parseCatalog(text: string, source: string): ModelCatalog {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new HearthError('HEARTH_ERR_CONFIG_READ', `The model catalog ${source} is not valid YAML: ${(err as Error).message}`, { cause: err, details: { file: source } });
  }
  const result = catalogSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new HearthError('HEARTH_ERR_CONFIG_INVALID', `The model catalog ${source} is invalid:\n${problems.join('\n')}`, {
      details: { file: source, problems: result.error.issues },
    });
  }
  return result.data;
}

/** Reads and validates the catalog at path. */
export function loadCatalog(path: string): ModelCatalog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HearthError('HEARTH_ERR_CONFIG_READ', `Cannot read the model catalog ${path}: ${(err as Error).message}`, { cause: err, details: { file: path } });
  }
  return parseCatalog(text, path);
}
