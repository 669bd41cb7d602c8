// The allow-list every job variable passes before it can reach a command
// line, an environment variable or a Nomad template. Each rule is a pattern
// plus a sentence that says what it accepts, so a rejection can name the rule.
import { z } from 'zod';
import { EXPERT_PREFIX } from '../agent/consul/expert-prefix.js';

export interface Rule {
  readonly pattern: RegExp;
  readonly says: string;
}

export const RULES = {
  /** Job, group, task, service and port names. */
  name: { pattern: /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, says: 'a lowercase-hyphen name (a-z, 0-9, "-"; at most 63; no leading or trailing "-")' },
  expertService: {
    pattern: new RegExp(`^${EXPERT_PREFIX}[a-z0-9](?:[a-z0-9-]{0,51}[a-z0-9])?$`),
    says: `a service name starting with "${EXPERT_PREFIX}" followed by a lowercase-hyphen name`,
  },
  namespace: { pattern: /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, says: 'a lowercase-hyphen Nomad namespace' },
  /** An absolute path without "..", "//", spaces or shell characters. */
  absolutePath: { pattern: /^\/(?!.*\/\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._+/-]+$/, says: 'an absolute path of letters, digits, ".", "_", "+", "-" and "/" without ".." or "//"' },
  /** A Hugging Face style repository id: owner/name. */
  repoId: { pattern: /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\/[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/, says: 'a repository id OWNER/NAME of letters, digits, ".", "_" and "-"' },
  /** A pinned container image: registry/path:tag, never "latest". */
  image: { pattern: /^[a-z0-9](?:[a-z0-9._/-]*[a-z0-9])?:(?!latest$)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, says: 'a container image with a pinned tag (not "latest"), such as vllm/vllm-openai:v0.33.0' },
  /** Nomad datacenter names. */
  datacenter: { pattern: /^(?:\*|[A-Za-z0-9][A-Za-z0-9_-]{0,62})$/, says: 'a datacenter name of letters, digits, "_" and "-", or "*"' },
  /** A Nomad node name, used in a constraint. */
  nodeName: { pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, says: 'a node name of letters, digits, ".", "_" and "-"' },
  /** A vLLM tool-call parser or chat-template name. */
  word: { pattern: /^[a-z0-9][a-z0-9_-]{0,63}$/, says: 'a word of lowercase letters, digits, "_" and "-"' },
  /** A short sentence for people and models to read (an expert's description in its service Meta). */
  sentence: { pattern: /^[A-Za-z0-9][A-Za-z0-9 .,;:!?()'/+-]{0,199}$/, says: 'a sentence of at most 200 letters, digits, spaces and . , ; : ! ? ( ) \' / + -' },
  /** A llama.cpp quantization label such as Q4_K_M. */
  quantization: { pattern: /^[A-Za-z0-9][A-Za-z0-9_]{0,31}$/, says: 'a quantization label such as Q4_K_M' },
} as const satisfies Record<string, Rule>;

/** True when the rule accepts the text, and the text cannot open a template action or a shell expansion. */
export function satisfies(rule: Rule, text: string): boolean {
  return rule.pattern.test(text) && !text.includes('{{') && !text.includes('}}') && !text.includes('$') && !text.includes('..');
}

/** A zod string that must satisfy the rule; the message states the rule. */
export function ruled(rule: Rule): z.ZodEffects<z.ZodString, string, string> {
  return z.string().refine((text) => satisfies(rule, text), { message: `expected ${rule.says}` });
}

const INTEGER_TEXT = /^-?\d+$/;

/** An integer variable that also accepts its decimal text (from --var k=v). */
export function integerVar(min: number, max: number): z.ZodEffects<z.ZodNumber, number, unknown> {
  return z.preprocess(
    (raw) => (typeof raw === 'string' && INTEGER_TEXT.test(raw.trim()) ? Number(raw.trim()) : raw),
    z.number({ invalid_type_error: `expected an integer from ${min} to ${max}` })
      .int({ message: `expected an integer from ${min} to ${max}` })
      .min(min, { message: `expected an integer from ${min} to ${max}` })
      .max(max, { message: `expected an integer from ${min} to ${max}` }),
  );
}

/** A boolean variable that also accepts "true"/"false" text. */
export function booleanVar(): z.ZodEffects<z.ZodBoolean, boolean, unknown> {
  return z.preprocess((raw) => (raw === 'true' ? true : raw === 'false' ? false : raw), z.boolean({ invalid_type_error: 'expected true or false' }));
}

const QUOTED_LIST = /^\[\s*(?:(['"])[^'"\\]*\1\s*(?:,\s*(['"])[^'"\\]*\2\s*)*)?,?\s*\]$/;

/**
 * Turns list text into items: JSON `["a","b"]`, the `['a', 'b']` that Ansible
 * prints for a list, or `a,b`. Anything else is returned unchanged for zod to reject.
 */
export function parseListText(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const text = raw.trim();
  if (text.startsWith('[')) {
    if (!QUOTED_LIST.test(text)) return raw;
    return [...text.matchAll(/(['"])([^'"\\]*)\1/g)].map((m) => m[2] ?? '');
  }
  if (text === '') return [];
  return text.split(',').map((item) => item.trim());
}

/** A list variable whose items follow the rule; accepts the list text forms of parseListText. */
export function listVar(rule: Rule, minItems: number): z.ZodEffects<z.ZodArray<z.ZodEffects<z.ZodString, string, string>>, string[], unknown> {
  return z.preprocess(parseListText, z.array(ruled(rule), { invalid_type_error: 'expected a list such as a,b or ["a","b"]' }).min(minItems, { message: `expected at least ${minItems} item${minItems === 1 ? '' : 's'}` }));
}
