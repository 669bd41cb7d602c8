// The configuration reference table, read from the zod schema itself: every
// leaf key with its environment variable, kind of value, default and the
// description given to it with .describe() in agent/config/schema.ts.
import type { ZodTypeAny } from 'zod';
import { configSchema } from '../../agent/config/schema.js';
import { ENV_BINDINGS } from '../../agent/config/env.js';

export interface ConfigRow {
  readonly key: string;
  readonly variable: string | undefined;
  readonly kind: string;
  readonly defaultValue: unknown;
  readonly hasDefault: boolean;
  readonly description: string | undefined;
}

interface Def {
  readonly typeName: string;
  readonly description?: string;
  readonly innerType?: ZodTypeAny;
  readonly schema?: ZodTypeAny;
  readonly type?: ZodTypeAny;
  readonly values?: readonly string[];
  readonly checks?: readonly { kind: string; value?: number }[];
  readonly shape?: () => Record<string, ZodTypeAny>;
  readonly defaultValue?: () => unknown;
}

const def = (schema: ZodTypeAny): Def => schema._def as Def;

/** Strips .optional() and .default() (keeping the default), down to the schema that says what the value is. */
function unwrap(schema: ZodTypeAny): { base: ZodTypeAny; hasDefault: boolean; defaultValue: unknown } {
  let base = schema;
  let hasDefault = false;
  let defaultValue: unknown;
  for (;;) {
    const d = def(base);
    if (d.typeName === 'ZodDefault' && d.innerType !== undefined && d.defaultValue !== undefined) {
      if (!hasDefault) defaultValue = d.defaultValue();
      hasDefault = true;
      base = d.innerType;
    } else if (d.typeName === 'ZodOptional' && d.innerType !== undefined) {
      base = d.innerType;
    } else {
      return { base, hasDefault, defaultValue };
    }
  }
}

/** What kind of value a key takes, in words: "string", "integer 1 to 1000", "duration, 1s to 10m", ... */
export function kindOf(schema: ZodTypeAny): string {
  const d = def(schema);
  switch (d.typeName) {
    case 'ZodEffects': {
      // Refinements and transforms wrap the value's own schema; a kind given to
      // that schema with .describe() (durations do) names it better than its type.
      let inner = schema;
      while (def(inner).typeName === 'ZodEffects' && def(inner).schema !== undefined) inner = def(inner).schema as ZodTypeAny;
      return def(inner).description ?? kindOf(inner);
    }
    case 'ZodString':
      return (d.checks ?? []).some((c) => c.kind === 'ip') ? 'IP address' : 'string';
    case 'ZodBoolean':
      return 'boolean';
    case 'ZodNumber': {
      const checks = d.checks ?? [];
      const min = checks.find((c) => c.kind === 'min')?.value;
      const max = checks.find((c) => c.kind === 'max')?.value;
      const name = checks.some((c) => c.kind === 'int') ? 'integer' : 'number';
      return min !== undefined && max !== undefined ? `${name}, ${min} to ${max}` : name;
    }
    case 'ZodEnum':
      return `one of ${(d.values ?? []).map((v) => `\`${v}\``).join(', ')}`;
    case 'ZodArray':
      return d.type === undefined ? 'list' : `list of ${plural(kindOf(unwrap(d.type).base))}`;
    case 'ZodObject':
      return 'object';
    default:
      return d.typeName.replace(/^Zod/, '').toLowerCase();
  }
}

function plural(kind: string): string {
  if (kind === 'object') return 'objects';
  if (kind === 'string') return 'strings';
  return kind;
}

/** Every leaf key of the schema, in the schema's order. A nested object (other than in a list) is not a leaf. */
export function configRows(schema: ZodTypeAny = configSchema(), prefix: readonly string[] = []): ConfigRow[] {
  const { base, hasDefault, defaultValue } = unwrap(schema);
  const shape = def(base).typeName === 'ZodObject' ? def(base).shape : undefined;
  if (shape !== undefined) return Object.entries(shape()).flatMap(([key, child]) => configRows(child, [...prefix, key]));
  const key = prefix.join('.');
  return [{
    key,
    variable: ENV_BINDINGS.find((binding) => binding.path.join('.') === key)?.variable,
    kind: kindOf(base),
    defaultValue,
    hasDefault,
    description: def(schema).description,
  }];
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderConfigTable(rows: readonly ConfigRow[] = configRows()): string {
  const lines = [
    '| key | environment | value | default | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${[
      `\`${row.key}\``,
      row.variable === undefined ? '—' : `\`${row.variable}\``,
      row.kind,
      row.hasDefault ? `\`${JSON.stringify(row.defaultValue)}\`` : '(unset)',
      row.description ?? '',
    ].map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}
