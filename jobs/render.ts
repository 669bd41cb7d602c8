// Validates variables against a template's schema and builds the job. Every
// rejection names the variable, the value and the rule; nothing is built.
import { z } from 'zod';
import { HearthError, describeValue, invalidInput } from '../agent/errors.js';
import type { Job } from '../agent/nomad/types.js';
import type { BuildContext } from './common.js';
import { TEMPLATES, findTemplate, type JobTemplate } from './index.js';
import { RULES, satisfies } from './rules.js';

export interface VarDoc {
  readonly name: string;
  readonly required: boolean;
  readonly default?: unknown;
  readonly description: string;
}

function unwrap(schema: z.ZodTypeAny): { required: boolean; defaultValue: unknown; description: string } {
  let node = schema;
  let required = true;
  let defaultValue: unknown;
  const description = schema.description ?? '';
  for (;;) {
    if (node instanceof z.ZodDefault) {
      required = false;
      if (defaultValue === undefined) defaultValue = node._def.defaultValue();
      node = node._def.innerType;
    } else if (node instanceof z.ZodOptional) {
      required = false;
      node = node._def.innerType;
    } else break;
  }
  return { required, defaultValue, description: description || (node.description ?? '') };
}

/** The variables of a template, for `hearth jobs list`. */
export function describeVars(template: JobTemplate): VarDoc[] {
  const shape = (template.vars as z.AnyZodObject).shape as Record<string, z.ZodTypeAny>;
  return Object.entries(shape).map(([name, schema]) => {
    const { required, defaultValue, description } = unwrap(schema);
    return defaultValue === undefined ? { name, required, description } : { name, required, default: defaultValue, description };
  });
}

/** The template of a name, or an input error listing the known ones. */
export function requireTemplate(name: string, source: string): JobTemplate {
  const template = findTemplate(name);
  if (template === undefined) throw invalidInput('template', `one of ${TEMPLATES.map((t) => t.name).join(', ')}`, name, source);
  return template;
}

function toInputError(issues: readonly z.ZodIssue[], raw: Record<string, unknown>, known: readonly string[], source: string): HearthError {
  const lines = issues.flatMap((issue): string[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `Expected one of the variables ${known.join(', ')}, got unknown variable \`${key}\` = ${describeValue(raw[key])} (from ${source}).`);
    }
    const name = String(issue.path[0] ?? '(vars)');
    const given = raw[name];
    const rule = given === undefined ? 'a value (this variable is required)' : issue.message.replace(/^expected /, '');
    return [`Expected ${rule} for \`${name}\`${issue.path.length > 1 ? ` (item ${issue.path.slice(1).join('.')})` : ''} (from ${source}), got ${describeValue(given)}.`];
  });
  const first = issues[0];
  return new HearthError('HEARTH_ERR_INVALID_INPUT', lines.join('\n'), {
    details: { source, issues: issues.map((i) => ({ path: i.path.join('.'), message: i.message })), name: first === undefined ? undefined : String(first.path[0] ?? '') },
  });
}

/** Parses raw variables (text from --var or values from a file) into the template's typed variables. */
export function parseVars(template: JobTemplate, raw: Record<string, unknown>, source: string): Record<string, unknown> {
  const result = template.vars.safeParse(raw);
  if (!result.success) throw toInputError(result.error.issues, raw, describeVars(template).map((v) => v.name), source);
  return result.data as Record<string, unknown>;
}

/** Names in the built job that Nomad and Consul will see must be lowercase-hyphen. */
export function assertJobNames(job: Job): void {
  const check = (what: string, value: string | undefined): void => {
    if (value === undefined || !satisfies(RULES.name, value)) throw invalidInput(what, RULES.name.says, value, `the rendered job ${job.ID}`);
  };
  check('job ID', job.ID);
  for (const group of job.TaskGroups) {
    check('group name', group.Name);
    for (const network of group.Networks ?? []) for (const port of [...(network.ReservedPorts ?? []), ...(network.DynamicPorts ?? [])]) check('port label', port.Label);
    for (const task of group.Tasks) {
      check('task name', task.Name);
      for (const service of [...(group.Services ?? []), ...(task.Services ?? [])]) check('service name', service.Name);
    }
  }
}

/** Validates the variables, builds the job and checks its names. Throws HEARTH_ERR_INVALID_INPUT on any bad input. */
export function renderJob(templateName: string, raw: Record<string, unknown>, ctx: BuildContext, source: string): Job {
  const template = requireTemplate(templateName, source);
  const vars = parseVars(template, raw, source);
  const job = template.build(vars as never, ctx);
  assertJobNames(job);
  return job;
}
