// The twin's memory survives a kill -9 in the middle of writing: every turn
// and memory reported stored is there afterwards, and the database is whole.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from '../../agent/util/paths.js';
import { createConversationStore } from '../../agent/twin/memory/conversations.js';
import { openMemoryDatabase } from '../../agent/twin/memory/database.js';
import { createLongTermMemory } from '../../agent/twin/memory/long-term.js';

test('turns and memories written before a kill -9 are all there, and the database passes its integrity check', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-kill9-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [repoPath('dist', 'testing', 'twin', 'memory-writer.js'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => child.kill('SIGKILL'));
  let conversation = '';
  let stored = 0;
  let buffer = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('conversation ')) conversation = line.slice(13);
        if (line.startsWith('stored ')) stored = Number(line.slice(7));
      }
      if (stored >= 300) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await exited;
  const db = openMemoryDatabase(dir);
  t.teardown(() => db.close());
  t.is(db.pragma('integrity_check', { simple: true }), 'ok');
  const turns = createConversationStore(db).turns(conversation);
  const memories = createLongTermMemory(db);
  t.true(turns.length >= stored, `${turns.length} turns on disk, ${stored} reported stored`);
  t.true(memories.count() >= stored);
  t.is(memories.search('fact number 7', 1)[0]?.text.startsWith('fact number'), true);
});
