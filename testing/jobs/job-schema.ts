// Checks a rendered job against the Job schema of the Nomad OpenAPI spec
// (/work/shared/specs/nomad-openapi.yaml, or HEARTH_NOMAD_OPENAPI).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import type { Job } from '../../agent/nomad/types.js';

export const NOMAD_OPENAPI_PATH = process.env['HEARTH_NOMAD_OPENAPI'] ?? '/work/shared/specs/nomad-openapi.yaml';

export type JobSchemaCheck = { readonly check: (job: Job) => string[] } | { readonly skip: string };

interface AjvLike {
  addSchema(schema: object, key: string): unknown;
  compile(schema: object): ((value: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };
}

/** A validator for the spec's Job schema, or the reason there is none. */
export function createJobSchemaCheck(): JobSchemaCheck {
  if (!existsSync(NOMAD_OPENAPI_PATH)) return { skip: `the Nomad OpenAPI spec is missing at ${NOMAD_OPENAPI_PATH}` };
  const require = createRequire(import.meta.url);
  const ajvModule = require('ajv') as { default: new (options: object) => AjvLike };
  const addFormats = (require('ajv-formats') as { default: (ajv: AjvLike) => void }).default;
  const ajv = new ajvModule.default({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  const spec = parseYaml(readFileSync(NOMAD_OPENAPI_PATH, 'utf8')) as object;
  ajv.addSchema(spec, 'nomad');
  const validate = ajv.compile({ $ref: 'nomad#/components/schemas/Job' });
  return {
    check: (job) => (validate(job) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(job)'} ${e.message ?? 'is invalid'}`)),
  };
}
