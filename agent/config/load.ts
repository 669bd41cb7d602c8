// Builds the effective config from its sources, later wins: defaults, the
// YAML file (/etc/hearth/hearth.yaml or --config FILE), the environment.
// Every key remembers which source set it, so a problem can say where it came from.
import { readFileSync } from 'node:fs';
import { parseYaml } from '../util/yaml.js';
import type { ZodIssue } from 'zod';
import { HearthError, describeValue } from '../errors.js';
import { configSchema, SECRET_PATHS, type HearthConfig } from './schema.js';
import { readEnvValues } from './env.js';

export const DEFAULT_CONFIG_PATH = '/etc/hearth/hearth.yaml';

export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
  readonly source: string;
}

export interface LoadedConfig {
  readonly config: HearthConfig;
  /** key path ("nomad.addr") -> "default" | "file /etc/hearth/hearth.yaml" | "environment NOMAD_ADDR" */
  readonly sources: ReadonlyMap<string, string>;
  readonly file: string | undefined;
}

export interface LoadConfigOptions {
  /** From --config; a missing file is then an error. */
  readonly configPath?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  /** Read when no --config is given; a missing file there is fine. */
  readonly defaultPath?: string;
}

type Tree = Record<string, unknown>;

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setPath(tree: Tree, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isTree(next)) node[key] = {};
    node = node[key] as Tree;
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

function recordLeaves(value: unknown, prefix: string[], source: string, sources: Map<string, string>): void {
  if (isTree(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) recordLeaves(child, [...prefix, key], source, sources);
    return;
  }
  sources.set(prefix.join('.'), source);
}

function readFileTree(path: string, required: boolean): Tree | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new HearthError('HEARTH_ERR_CONFIG_READ', `Cannot read the config file ${path}: ${(err as Error).message}`, {
      cause: err,
      details: { file: path },
    });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new HearthError('HEARTH_ERR_CONFIG_READ', `The config file ${path} is not valid YAML: ${(err as Error).message}`, {
      cause: err,
      details: { file: path },
    });
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isTree(parsed)) {
    throw new HearthError(
      'HEARTH_ERR_CONFIG_READ',
      `Expected the config file ${path} to hold a YAML mapping, got ${Array.isArray(parsed) ? 'a list' : typeof parsed}.`,
      { details: { file: path } },
    );
  }
  return parsed;
}

function sourceOf(path: readonly (string | number)[], sources: ReadonlyMap<string, string>): string {
  for (let length = path.length; length > 0; length -= 1) {
    const found = sources.get(path.slice(0, length).join('.'));
    if (found !== undefined) return found;
  }
  return 'default';
}

function valueAt(tree: Tree, path: readonly (string | number)[]): unknown {
  let node: unknown = tree;
  for (const key of path) node = isTree(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[key] : undefined;
  return node;
}

/** "expected ..., got <value>": the value given is shown, except for secrets and where zod's message already says it. */
function withGiven(issue: ZodIssue, tree: Tree): string {
  const key = issue.path.filter((p): p is string => typeof p === 'string').join('.');
  if (SECRET_PATHS.includes(key) || 'received' in issue) return issue.message;
  const given = valueAt(tree, issue.path);
  return given === undefined ? issue.message : `${issue.message}, got ${describeValue(given)}`;
}

function problemsOf(issue: ZodIssue, sources: ReadonlyMap<string, string>, tree: Tree): ConfigProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return { path: path.join('.'), message: 'unknown key', source: sourceOf(path, sources) };
    });
  }
  return [{ path: issue.path.join('.') || '(root)', message: withGiven(issue, tree), source: sourceOf(issue.path, sources) }];
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `  ${p.path}: ${p.message} (from ${p.source})`).join('\n');
}

/** Loads and validates the config. Throws HEARTH_ERR_CONFIG_INVALID listing every problem, or HEARTH_ERR_CONFIG_READ. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const sources = new Map<string, string>();
  const tree: Tree = {};

  const file = options.configPath ?? options.defaultPath ?? DEFAULT_CONFIG_PATH;
  const fileTree = readFileTree(file, options.configPath !== undefined);
  if (fileTree !== undefined) {
    Object.assign(tree, structuredClone(fileTree));
    recordLeaves(fileTree, [], `file ${file}`, sources);
  }
  for (const { variable, path, value } of readEnvValues(env)) {
    setPath(tree, path, value);
    sources.set(path.join('.'), `environment ${variable}`);
  }

  const result = configSchema().safeParse(tree);
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => problemsOf(issue, sources, tree));
    throw new HearthError('HEARTH_ERR_CONFIG_INVALID', `The configuration is invalid:\n${formatProblems(problems)}`, {
      details: { problems },
    });
  }
  return { config: result.data, sources, file: fileTree === undefined ? undefined : file };
}

/** A deep copy of the config with every secret replaced by "[redacted]" (set) or left absent (unset). */
export function redactConfig(config: HearthConfig): Tree {
  const copy = structuredClone(config) as unknown as Tree;
  for (const path of SECRET_PATHS) {
    const keys = path.split('.');
    let node: unknown = copy;
    for (const key of keys.slice(0, -1)) node = isTree(node) ? node[key] : undefined;
    const last = keys[keys.length - 1];
    if (isTree(node) && last !== undefined && node[last] !== undefined) node[last] = '[redacted]';
  }
  return copy;
}

/** Where a config key was set: used in "cannot reach X (set by Y)" messages. */
export function describeSource(loaded: LoadedConfig, path: string): string {
  return sourceOf(path.split('.'), loaded.sources);
}
