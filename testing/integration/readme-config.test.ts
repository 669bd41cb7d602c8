import test from 'ava';
import { readFileSync } from 'node:fs';
import type { ZodTypeAny } from 'zod';
import { configSchema } from '../../agent/config/schema.js';
import { ENV_BINDINGS } from '../../agent/config/env.js';
import { repoPath } from '../../agent/util/paths.js';

/** Every leaf key path of the config schema ("api.listen", ...). */
function leafPaths(schema: ZodTypeAny, prefix: string[] = []): string[] {
  let inner: ZodTypeAny = schema;
  for (;;) {
    const def = inner._def as { typeName: string; innerType?: ZodTypeAny };
    if ((def.typeName === 'ZodDefault' || def.typeName === 'ZodOptional') && def.innerType !== undefined) inner = def.innerType;
    else break;
  }
  const shape = (inner._def as { typeName: string; shape?: () => Record<string, ZodTypeAny> }).shape;
  if (shape === undefined) return [prefix.join('.')];
  return Object.entries(shape()).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

test('the README configuration table documents every config key with its environment variable', (t) => {
  const readme = readFileSync(repoPath('README.md'), 'utf8');
  const rows = new Map<string, string>();
  for (const line of readme.split('\n')) {
    const match = /^\| `([a-zA-Z.]+)` \| ([^|]+) \|/.exec(line);
    if (match !== null) rows.set(match[1] ?? '', (match[2] ?? '').trim());
  }
  const paths = leafPaths(configSchema);
  t.true(paths.length > 10);
  const missing = paths.filter((path) => !rows.has(path));
  t.deepEqual(missing, [], 'keys missing from the README configuration table');
  const wrongEnv = ENV_BINDINGS.filter((b) => rows.has(b.path.join('.')) && rows.get(b.path.join('.')) !== `\`${b.variable}\``).map((b) => b.variable);
  t.deepEqual(wrongEnv, [], 'environment variables not shown beside their key');
});
