// Checks a rendered job against the Job schema of the Nomad OpenAPI spec,
// through the shared contract validator (testing/openapi/validate.ts).
import type { Job } from '../../agent/nomad/types.js';
import { nomadSpecSkipReason, validateNomadSchema } from '../openapi/validate.js';

export type JobSchemaCheck = { readonly check: (job: Job) => string[] } | { readonly skip: string };

/** A validator for the spec's Job schema, or the reason there is none. */
export function createJobSchemaCheck(): JobSchemaCheck {
  const skip = nomadSpecSkipReason();
  if (skip !== undefined) return { skip };
  return { check: (job) => validateNomadSchema('Job', job) };
}
