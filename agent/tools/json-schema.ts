// A tool's zod input as the JSON schema models, MCP and A2A read: one
// definition, converted here only.
import type { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';

export type JsonSchema = Record<string, unknown>;

export function toolJsonSchema(input: z.ZodTypeAny): JsonSchema {
  const schema = zodToJsonSchema(input, { target: 'openApi3', $refStrategy: 'none' }) as JsonSchema;
  delete schema['$schema'];
  if (schema['type'] === undefined) schema['type'] = 'object';
  return schema;
}
