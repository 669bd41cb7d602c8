// The twin's memory database: one SQLite file under state.dir holding the
// conversations, their turns and the long-term memories with their vectors
// (sqlite-vec). Every write is a transaction in WAL mode: a kill -9 of the
// agent leaves either the old state or the new, and a committed transaction
// is kept (it is in the WAL file when the process dies). synchronous=NORMAL
// syncs at checkpoints rather than on every commit, so a power cut may lose
// the last turns but never tears the database; it keeps a disk flush out of
// the time to first token.
// better-sqlite3 and sqlite-vec are required when a database is opened, not
// when this module is imported (deferred-memory.ts opens it at first use).
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type * as SqliteVec from 'sqlite-vec';
import { HearthError } from '../../errors.js';
import { LOCAL_DIMENSIONS } from './local-embedder.js';

export type MemoryDatabase = Database.Database;

export const SCHEMA_VERSION = 1;

export const MEMORY_FILE = 'twin-memory.sqlite';

const require = createRequire(import.meta.url);

export function openMemoryDatabase(dir: string, file = MEMORY_FILE): MemoryDatabase {
  const path = file === ':memory:' ? file : join(dir, file);
  let db: MemoryDatabase;
  try {
    if (file !== ':memory:') mkdirSync(dir, { recursive: true, mode: 0o700 });
    const Sqlite = require('better-sqlite3') as typeof Database;
    db = new Sqlite(path);
    (require('sqlite-vec') as typeof SqliteVec).load(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  } catch (err) {
    throw new HearthError('HEARTH_ERR_STATE', `Could not open the twin's memory database ${path}: ${(err as Error).message}`, { cause: err, details: { path } });
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== 0 && version !== SCHEMA_VERSION) {
    db.close();
    throw schemaVersionError(path, version);
  }
  db.exec(`
    create table if not exists conversations (
      id text primary key, title text not null, created_at text not null, updated_at text not null
    );
    create table if not exists turns (
      conversation_id text not null references conversations(id) on delete cascade,
      seq integer not null,
      id text not null,
      role text not null,
      text text not null,
      expert text,
      finish text,
      events text not null default '{}',
      created_at text not null,
      in_short_term integer not null default 1,
      primary key (conversation_id, seq)
    );
    create table if not exists memories (
      id integer primary key,
      text text not null,
      source text not null,
      created_at text not null,
      embedder text,
      embedding blob
    );
    create virtual table if not exists memory_local using vec0(embedding bit[${LOCAL_DIMENSIONS}]);
    create table if not exists memory_local_full (id integer primary key, embedding blob not null);
  `);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  return db;
}

export function schemaVersionError(path: string, version: number): HearthError {
  return new HearthError('HEARTH_ERR_STATE', `The memory database ${path} has schema version ${version}; this hearth reads version ${SCHEMA_VERSION}.`, { details: { path, version } });
}
