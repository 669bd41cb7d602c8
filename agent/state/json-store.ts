// A versioned JSON document on disk that survives kill -9. Every change is
// applied to a copy, written atomically, and only then becomes the current
// value; changes run one at a time. An absent file is the empty document; a
// file that cannot be parsed, fails the schema or carries another version is
// reported (HEARTH_ERR_STATE), never silently replaced.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { HearthError } from '../errors.js';
import { replaceFileAtomically } from './atomic-file.js';
import { createSerialDocument, type SerialDocument } from './serial-document.js';

/** update() resolves once the file is on disk. */
export interface JsonStore<T> extends SerialDocument<T> {
  readonly path: string;
}

export interface JsonStoreOptions<S extends z.ZodTypeAny> {
  /** The state directory (config `state.dir`); created with mode 0700 when missing. */
  readonly dir: string;
  /** The file name inside `dir`. */
  readonly file: string;
  /** The document's version; a file with another version is refused. */
  readonly version: number;
  /** The document's schema, without the `version` field. */
  readonly schema: S;
  readonly empty: () => z.infer<S>;
}

interface Envelope {
  version: number;
  data: unknown;
}

export async function openJsonStore<S extends z.ZodTypeAny>(options: JsonStoreOptions<S>): Promise<JsonStore<z.infer<S>>> {
  type T = z.infer<S>;
  const path = join(options.dir, options.file);
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const document = createSerialDocument<T>(await readDocument(path, options), async (draft) => {
    const parsed = options.schema.parse(draft) as T;
    const envelope: Envelope = { version: options.version, data: parsed };
    await replaceFileAtomically(path, JSON.stringify(envelope, null, 2) + '\n');
    return parsed;
  });
  return { path, read: document.read, view: document.view, update: document.update };
}

async function readDocument<S extends z.ZodTypeAny>(path: string, options: JsonStoreOptions<S>): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return options.empty();
    throw corrupt(path, `cannot be read: ${(err as Error).message}`, err);
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch (err) {
    throw corrupt(path, `is not valid JSON (${(err as Error).message})`, err);
  }
  if (typeof envelope !== 'object' || envelope === null || !('version' in envelope) || !('data' in envelope)) {
    throw corrupt(path, 'is not a hearth state document (expected {"version", "data"})');
  }
  const { version, data } = envelope as Envelope;
  if (version !== options.version) {
    throw corrupt(path, `has version ${JSON.stringify(version)}; this hearth reads version ${options.version}`);
  }
  const parsed = options.schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(path, `fails its schema at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data as z.infer<S>;
}

function corrupt(path: string, problem: string, cause?: unknown): HearthError {
  return new HearthError(
    'HEARTH_ERR_STATE',
    `The state file ${path} ${problem}. It was left untouched: fix or move it aside, then restart.`,
    { cause, details: { path } },
  );
}
