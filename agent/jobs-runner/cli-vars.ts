// Reads job variables from the command line (--var NAME=VALUE, repeatable)
// and from YAML/JSON files (--var-file F); --var wins over the file.
import { readFileSync } from 'node:fs';
import { parseYaml } from '../util/yaml.js';
import { HearthError, invalidInput } from '../errors.js';

const VAR_NAME = /^[a-z_][a-z0-9_]*$/;

export interface RawVars {
  readonly values: Record<string, unknown>;
  /** Where the values came from, for messages: "--var", "--var-file f.yaml" or both. */
  readonly source: string;
}

function readVarFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Cannot read the variables file ${path}: ${(err as Error).message}`, { cause: err, details: { file: path } });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidInput('--var-file', 'a YAML mapping of variable names to values', parsed, `file ${path}`);
  return parsed as Record<string, unknown>;
}

export function readCliVars(pairs: readonly string[], files: readonly string[]): RawVars {
  const values: Record<string, unknown> = {};
  for (const file of files) Object.assign(values, readVarFile(file));
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? '' : pair.slice(0, eq);
    if (!VAR_NAME.test(name)) throw invalidInput('--var', 'NAME=VALUE with a lowercase variable name', pair, 'the command line');
    values[name] = pair.slice(eq + 1);
  }
  const sources = [...(pairs.length > 0 ? ['--var'] : []), ...files.map((f) => `--var-file ${f}`)];
  return { values, source: sources.length === 0 ? 'the command line' : sources.join(' and ') };
}
