import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HearthError } from '../../errors.js';
import { MEMORY_FILE, openMemoryDatabase } from './database.js';
import { checkMemoryFile, createDeferredMemory } from './deferred-memory.js';

function stateDir(t: import('ava').ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-deferred-memory-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the database is opened at the first conversation call, not before, and keeps what was written', (t) => {
  const dir = stateDir(t);
  const memory = createDeferredMemory(dir);
  memory.check();
  t.false(memory.isOpen());
  const created = memory.conversations.create(new Date('2026-12-07T00:00:00Z'));
  t.true(memory.isOpen());
  memory.conversations.append(created.id, { role: 'user', text: 'hello', events: {} }, new Date('2026-12-07T00:00:01Z'));
  memory.longTerm.add('the rack has 12 nodes', 'test', new Date('2026-12-07T00:00:02Z'));
  memory.close();

  const again = createDeferredMemory(dir);
  t.deepEqual(again.conversations.turns(created.id).map((turn) => turn.text), ['hello']);
  t.is(again.longTerm.count(), 1);
  t.is(again.db().pragma('user_version', { simple: true }), 1);
  again.close();
});

test('after close a late call fails with a state error and does not open the database again', (t) => {
  const memory = createDeferredMemory(stateDir(t));
  memory.close();
  const err = t.throws(() => memory.longTerm.count(), { instanceOf: HearthError });
  t.is(err?.code, 'HEARTH_ERR_STATE');
  t.false(memory.isOpen());
});

test('check refuses a file that is not a SQLite database, naming the file', (t) => {
  const dir = stateDir(t);
  writeFileSync(join(dir, MEMORY_FILE), 'not a database at all, just some text that is long enough to hold a header of 100 bytes......');
  const err = t.throws(() => checkMemoryFile(dir), { instanceOf: HearthError });
  t.is(err?.code, 'HEARTH_ERR_STATE');
  t.regex(err?.message ?? '', /twin-memory\.sqlite: expected a SQLite database/);
});

test('check refuses a database of another schema version, as opening it does', (t) => {
  const dir = stateDir(t);
  const db = openMemoryDatabase(dir);
  db.pragma('user_version = 7');
  db.close();
  const err = t.throws(() => checkMemoryFile(dir), { instanceOf: HearthError });
  t.regex(err?.message ?? '', /schema version 7; this hearth reads version 1/);
  t.throws(() => openMemoryDatabase(dir), { message: err?.message ?? '' });
});

test('check accepts a missing file and makes the state directory', (t) => {
  const dir = join(stateDir(t), 'nested', 'state');
  t.notThrows(() => checkMemoryFile(dir));
  t.notThrows(() => createDeferredMemory(dir).db().close());
});
