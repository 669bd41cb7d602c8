// Writes turns and memories into a memory database as fast as it can and
// says after each commit how many it stored, until it is killed.
import { createConversationStore } from '../../agent/twin/memory/conversations.js';
import { openMemoryDatabase } from '../../agent/twin/memory/database.js';
import { createLongTermMemory } from '../../agent/twin/memory/long-term.js';

const db = openMemoryDatabase(process.argv[2]!);
const conversations = createConversationStore(db);
const longTerm = createLongTermMemory(db);
const { id } = conversations.create(new Date());
process.stdout.write(`conversation ${id}\n`);
for (let n = 1; ; n++) {
  conversations.append(id, { role: n % 2 === 0 ? 'assistant' : 'user', text: `turn ${n} `.repeat(50), events: {} }, new Date());
  longTerm.add(`fact number ${n}`, 'writer', new Date());
  process.stdout.write(`stored ${n}\n`);
  if (n % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
}
