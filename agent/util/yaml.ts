// The one door to YAML for hearth's config, catalog, variable files and
// output. js-yaml (one file) loads in a fraction of the time the `yaml`
// package takes, which matters for every `hearth` command's start. The YAML
// 1.2 core schema, as before: `2024-01-01` and `yes` stay strings.
// (agent/join/inventory.ts edits the inventory with `yaml`'s Document API,
// which keeps comments; only the agent daemon loads it.)
import { CORE_SCHEMA, YAMLException, dump, load, type Mark } from 'js-yaml';

/** Malformed YAML; the message says where, as "... at line 3, column 2:" and the lines around it. */
export class YamlSyntaxError extends Error {
  /** 1-based line and column of the problem. */
  readonly line: number;
  readonly column: number;

  constructor(reason: string, line: number, column: number, snippet: string, cause: unknown) {
    super(`${reason} at line ${line}, column ${column}${snippet === '' ? '' : `:\n\n${snippet}`}`, { cause });
    this.name = 'YamlSyntaxError';
    this.line = line;
    this.column = column;
  }
}

/** Parses one YAML document; an empty document is `null`. Throws YamlSyntaxError. */
export function parseYaml(text: string): unknown {
  try {
    return load(text, { schema: CORE_SCHEMA }) ?? null;
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    // js-yaml marks are 0-based, and absent on errors raised without a position.
    const mark = err.mark as Partial<Mark> | undefined;
    throw new YamlSyntaxError(err.reason, (mark?.line ?? 0) + 1, (mark?.column ?? 0) + 1, mark?.snippet ?? '', err);
  }
}

/** YAML text for a plain value: block style, keys in their order, `undefined` members left out. */
export function stringifyYaml(value: unknown): string {
  return dump(value, { schema: CORE_SCHEMA, skipInvalid: true, noRefs: true, quotingType: '"' });
}
