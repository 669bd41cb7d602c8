// Personas from the prompts folder: one `*.md` file each, a front matter
// block (description, keywords) and a template with named placeholders.
// An unknown placeholder is an error at load; a file that fails to load keeps
// its previous version in use and the failure is reported. The folder is
// watched and reloaded when a file changes.
import { readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, join } from 'node:path';
import { HearthError } from '../errors.js';
import type { Logger } from '../log.js';

export const PLACEHOLDERS = ['MODEL_NAME', 'EXPERT_NAME', 'CLUSTER_NAME', 'DATE', 'EXPERTS', 'TOOLS'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PromptValues = Partial<Record<Placeholder, string>>;

export interface Persona {
  readonly name: string;
  readonly description: string;
  readonly keywords: readonly string[];
  readonly template: string;
  readonly placeholders: readonly Placeholder[];
  readonly file: string;
}

export interface PromptLibrary {
  list(): Persona[];
  get(name: string): Persona | undefined;
  /** Fills every placeholder; one without a value is filled with an empty string. */
  render(name: string, values: PromptValues): string;
  /** Files that failed to load, with why. */
  problems(): { file: string; message: string }[];
  reload(): void;
  start(): void;
  stop(): void;
  onChange(listener: () => void): void;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Parses one persona file; throws HEARTH_ERR_INVALID_INPUT naming the file and the line of a bad placeholder. */
export function parsePersona(file: string, text: string): Persona {
  const name = basename(file, '.md');
  if (!NAME.test(name)) throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected a persona file name of lowercase letters, digits and dashes, got ${JSON.stringify(basename(file))} (in ${file}).`, { details: { file } });
  let body = text;
  const fields: Record<string, string> = {};
  const front = /^---\n([\s\S]*?)\n---\n?/.exec(text);
  if (front !== null) {
    body = text.slice(front[0].length);
    for (const line of front[1]!.split('\n')) {
      if (line.trim() === '') continue;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected \`key: value\` lines in the front matter of ${file}, got ${JSON.stringify(line)}.`, { details: { file } });
      fields[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    const unknownKeys = Object.keys(fields).filter((k) => k !== 'description' && k !== 'keywords');
    if (unknownKeys.length > 0) throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected only description and keywords in the front matter of ${file}, got ${unknownKeys.join(', ')}.`, { details: { file } });
  }
  const placeholders = new Set<Placeholder>();
  for (const match of body.matchAll(PLACEHOLDER)) {
    const key = match[1]!;
    if (!(PLACEHOLDERS as readonly string[]).includes(key)) {
      const line = body.slice(0, match.index).split('\n').length + (text.length - body.length > 0 ? text.slice(0, text.length - body.length).split('\n').length - 1 : 0);
      throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Unknown placeholder {{${key}}} in ${file} line ${line}; expected one of ${PLACEHOLDERS.join(', ')}.`, { details: { file, placeholder: key, line } });
    }
    placeholders.add(key as Placeholder);
  }
  return {
    name,
    description: fields['description'] ?? '',
    keywords: (fields['keywords'] ?? '').split(',').map((k) => k.trim().toLowerCase()).filter((k) => k !== ''),
    template: body.trim() + '\n',
    placeholders: [...placeholders],
    file,
  };
}

export function renderTemplate(persona: Persona, values: PromptValues): string {
  return persona.template.replace(PLACEHOLDER, (_all, key: string) => values[key as Placeholder] ?? '');
}

export function createPromptLibrary(options: { dir: string; log: Logger; debounceMs?: number }): PromptLibrary {
  const { dir, log } = options;
  let personas = new Map<string, Persona>();
  let problems: { file: string; message: string }[] = [];
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  const listeners: (() => void)[] = [];

  const load = () => {
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md').sort();
    } catch (err) {
      problems = [{ file: dir, message: `cannot read the prompts folder: ${(err as Error).message}` }];
      log.error({ dir, err }, 'prompts folder unreadable');
      return;
    }
    const next = new Map<string, Persona>();
    const nextProblems: { file: string; message: string }[] = [];
    for (const f of files) {
      const file = join(dir, f);
      try {
        const persona = parsePersona(file, readFileSync(file, 'utf8'));
        next.set(persona.name, persona);
      } catch (err) {
        nextProblems.push({ file, message: (err as Error).message });
        log.error({ file, err }, 'persona file refused; its previous version stays in use');
        const previous = personas.get(basename(f, '.md'));
        if (previous !== undefined) next.set(previous.name, previous);
      }
    }
    personas = next;
    problems = nextProblems;
    for (const listener of listeners) listener();
  };
  load();

  return {
    list: () => [...personas.values()],
    get: (name) => personas.get(name),
    render(name, values) {
      const persona = personas.get(name);
      if (persona === undefined) throw new HearthError('HEARTH_ERR_NOT_FOUND', `No persona ${JSON.stringify(name)} in ${dir}; personas: ${[...personas.keys()].join(', ') || 'none'}.`, { details: { name, dir } });
      return renderTemplate(persona, values);
    },
    problems: () => [...problems],
    reload: load,
    onChange: (listener) => void listeners.push(listener),
    start() {
      try {
        watcher = watch(dir, () => {
          clearTimeout(timer);
          timer = setTimeout(() => {
            log.info({ dir }, 'prompts changed; reloading');
            load();
          }, options.debounceMs ?? 100);
        });
        watcher.on('error', (err) => log.warn({ err, dir }, 'prompts watch failed'));
      } catch (err) {
        log.warn({ err, dir }, 'prompts folder not watched; changes need a restart');
      }
    },
    stop() {
      clearTimeout(timer);
      watcher?.close();
      watcher = undefined;
    },
  };
}
