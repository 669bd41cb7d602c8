// The twin's memory as its module holds it: the database is opened, and
// better-sqlite3 and sqlite-vec loaded (about 6 MB resident), at the first
// use of a conversation or memory, not when the agent starts. An agent nobody
// talks to never opens it. What made the twin's start fail when the database
// was opened there still does: check() makes the state directory and reads
// the file's header (not a SQLite file, another schema version).
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { HearthError } from '../../errors.js';
import { createConversationStore, type ConversationStore } from './conversations.js';
import { MEMORY_FILE, openMemoryDatabase, schemaVersionError, SCHEMA_VERSION, type MemoryDatabase } from './database.js';
import { createLongTermMemory, type LongTermMemory } from './long-term.js';

export interface DeferredMemory {
  readonly path: string;
  /** Makes the directory and checks an existing file's header; opens nothing. */
  check(): void;
  /** The open database (opened now if it was not). */
  db(): MemoryDatabase;
  readonly conversations: ConversationStore;
  readonly longTerm: LongTermMemory;
  isOpen(): boolean;
  close(): void;
}

const SQLITE_MAGIC = 'SQLite format 3\0';
/** Where the header keeps PRAGMA user_version (a big-endian 32-bit integer). */
const USER_VERSION_OFFSET = 60;

/** The header's first 100 bytes, or undefined when the file does not exist yet. */
function readHeader(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const header = Buffer.alloc(100);
    return header.subarray(0, readSync(fd, header, 0, header.length, 0));
  } finally {
    closeSync(fd);
  }
}

export function checkMemoryFile(dir: string, file = MEMORY_FILE): void {
  const path = join(dir, file);
  let header: Buffer | undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    header = readHeader(path);
  } catch (err) {
    throw new HearthError('HEARTH_ERR_STATE', `Could not open the twin's memory database ${path}: ${(err as Error).message}`, { cause: err, details: { path } });
  }
  // An empty file is a database not written yet (its first transaction may still be in the WAL file).
  if (header === undefined || header.length === 0) return;
  if (header.length < USER_VERSION_OFFSET + 4 || header.subarray(0, SQLITE_MAGIC.length).toString('latin1') !== SQLITE_MAGIC) {
    throw new HearthError('HEARTH_ERR_STATE', `Could not open the twin's memory database ${path}: expected a SQLite database, got a file that is not one.`, { details: { path } });
  }
  const version = header.readUInt32BE(USER_VERSION_OFFSET);
  if (version !== 0 && version !== SCHEMA_VERSION) throw schemaVersionError(path, version);
}

/** An object with T's methods, each calling the same method of `real()` (made at the first call). */
function forwarding<T extends object>(real: () => T, methods: { readonly [K in keyof T]: true }): T {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(methods)) {
    out[name] = (...args: unknown[]) => (real() as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
  }
  return out as T;
}

export function createDeferredMemory(dir: string): DeferredMemory {
  let opened: { db: MemoryDatabase; conversations: ConversationStore; longTerm: LongTermMemory } | undefined;
  let closed = false;
  const open = () => {
    // After close() (the twin stopping) nothing opens it again behind a late call.
    if (closed) throw new HearthError('HEARTH_ERR_STATE', `The twin's memory database ${join(dir, MEMORY_FILE)} is closed (the twin stopped).`, { details: { path: join(dir, MEMORY_FILE) } });
    if (opened === undefined) {
      const db = openMemoryDatabase(dir);
      opened = { db, conversations: createConversationStore(db), longTerm: createLongTermMemory(db) };
    }
    return opened;
  };
  return {
    path: join(dir, MEMORY_FILE),
    check: () => checkMemoryFile(dir),
    db: () => open().db,
    conversations: forwarding(() => open().conversations, {
      create: true, list: true, get: true, require: true, turns: true, shortTerm: true, append: true, remove: true, clearShortTerm: true, shortTermCounts: true,
    }),
    longTerm: forwarding(() => open().longTerm, {
      add: true, setRemoteVector: true, searchRemote: true, missingRemote: true, addMany: true, search: true, count: true, list: true, all: true, clear: true,
    }),
    isOpen: () => opened !== undefined,
    close() {
      closed = true;
      opened?.db.close();
      opened = undefined;
    },
  };
}
