// Contract checks against Nomad's OpenAPI spec (hashicorp/nomad-openapi,
// saved at <repo>/../shared/specs/nomad-openapi.yaml).
//
//   validateNomadSchema('Job', body)  ->  []                      valid
//                                     ->  ['/TaskGroups/0/Count must be integer', ...]
//                                     ->  [NOMAD_SPEC_MISSING]    the spec file is absent
//
// Rules of the translation from OpenAPI 3.0 to JSON Schema:
// - `$ref: '#/components/schemas/X'` resolves inside the spec;
// - `null` is accepted for every field: the spec marks nothing nullable, yet
//   Nomad encodes nil pointers, slices, maps and byte slices as `null` (even
//   for scalars such as TaskGroup.ShutdownDelay, a *time.Duration), and Go's
//   decoder treats a `null` in a request as "not set". Only the body itself
//   may not be null. Non-null values are checked against their types;
// - `format` (int64, uint64, byte, date-time, ...) is not checked, and
//   unknown keywords (`example`, `xml`, ...) are ignored;
// - no field is required (the spec declares none) and extra fields pass.
// Known spec errors are listed in shared/reference/nomad-consul-api.md §1.4.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseYaml as parse } from '../../agent/util/yaml.js';
import { repoRoot } from '../../agent/util/paths.js';

/** The single error returned when the spec file is not there (tests that need it are registered as skipped). */
export const NOMAD_SPEC_MISSING = 'nomad-openapi spec not found: contract check skipped';

/** HEARTH_NOMAD_OPENAPI when set, else <repo>/../shared/specs/nomad-openapi.yaml. */
export function nomadSpecPath(): string {
  return process.env['HEARTH_NOMAD_OPENAPI'] ?? join(dirname(repoRoot()), 'shared', 'specs', 'nomad-openapi.yaml');
}

/** Whether the spec file is there; tests that need it are registered as skipped otherwise. */
export function nomadSpecPresent(): boolean {
  return existsSync(nomadSpecPath());
}

/** Why the contract checks cannot run here, or undefined when the spec file is there. */
export function nomadSpecSkipReason(): string | undefined {
  return nomadSpecPresent() ? undefined : `the Nomad OpenAPI spec is not at ${nomadSpecPath()} (HEARTH_NOMAD_OPENAPI points at it)`;
}

type Schema = Record<string, unknown>;

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== 'object') return node;
  const src = node as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === 'nullable' || k === 'example' || k === 'xml' || k === 'discriminator' || k === 'externalDocs' || k === 'deprecated') continue;
    out[k] = k === 'properties' || k === 'patternProperties'
      ? Object.fromEntries(Object.entries(v as Schema).map(([pk, pv]) => [pk, convert(pv)]))
      : convert(v);
  }
  const type = out.type;
  const nullableByGo = typeof out.$ref === 'string' || typeof type === 'string';
  if (src.nullable === true || nullableByGo) {
    if (typeof out.$ref === 'string') return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
    if (typeof type === 'string') out.type = [type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  return out;
}

export interface NomadSchemaValidator {
  validate(schemaName: string, value: unknown): string[];
  readonly available: boolean;
  schemaNames(): string[];
}

export function createNomadSchemaValidator(specPath = nomadSpecPath()): NomadSchemaValidator {
  if (!existsSync(specPath)) {
    return { available: false, validate: () => [NOMAD_SPEC_MISSING], schemaNames: () => [] };
  }
  const spec = parse(readFileSync(specPath, 'utf8')) as { components?: { schemas?: Record<string, unknown> } };
  const schemas = spec.components?.schemas ?? {};
  const converted: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const c = convert(schema) as Schema;
    // Top-level schemas are the body itself: keep them non-null.
    converted[name] = c;
  }
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, allowUnionTypes: true });
  ajv.addSchema({ $id: 'nomad', components: { schemas: converted } });
  const compiled = new Map<string, ValidateFunction>();
  return {
    available: true,
    schemaNames: () => Object.keys(schemas).sort(),
    validate(schemaName, value) {
      if (!(schemaName in schemas)) throw new Error(`Expected a schema name from the Nomad spec for \`schemaName\`, got ${JSON.stringify(schemaName)}.`);
      let fn = compiled.get(schemaName);
      if (fn === undefined) {
        fn = ajv.compile({ $ref: `nomad#/components/schemas/${schemaName}` });
        compiled.set(schemaName, fn);
      }
      if (value === null) return ['/ must not be null'];
      if (fn(value)) return [];
      // The null branch added for Go's nil values only adds noise to a report.
      const errors = (fn.errors ?? []).filter((e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && (e.params as { type?: unknown }).type === 'null'));
      return [...new Set(errors.map((e) => `${e.instancePath === '' ? '/' : e.instancePath} ${(e.message ?? 'is invalid').replace(/,null$/, '')}`))];
    },
  };
}

let shared: NomadSchemaValidator | undefined;

/**
 * Validates `value` against `#/components/schemas/<schemaName>` of the Nomad spec.
 * Returns [] when valid, one message per problem otherwise, or [NOMAD_SPEC_MISSING].
 * Throws for a schema name the spec does not have.
 */
export function validateNomadSchema(schemaName: string, value: unknown): string[] {
  // Compiling the 217 schemas once per process keeps repeated checks cheap.
  shared ??= createNomadSchemaValidator();
  return shared.validate(schemaName, value);
}
