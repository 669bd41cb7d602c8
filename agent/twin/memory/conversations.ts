// Conversations and their turns, kept in the memory database. Short-term
// memory is the last N turns of a conversation that have not been cleared.
import { randomUUID } from 'node:crypto';
import { HearthError } from '../../errors.js';
import type { MemoryDatabase } from './database.js';

export interface TurnRecord {
  readonly id: string;
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly expert?: string;
  readonly finish?: string;
  /** A summary of what happened in the turn: route, wake, tool calls, timings. */
  readonly events: Record<string, unknown>;
  readonly createdAt: string;
}

export interface ConversationSummary {
  readonly id: string;
  readonly title: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly turns: number;
}

export interface ConversationStore {
  create(now: Date): ConversationSummary;
  list(): ConversationSummary[];
  get(id: string): ConversationSummary | undefined;
  /** Throws NOT_FOUND when there is no such conversation. */
  require(id: string): ConversationSummary;
  turns(id: string): TurnRecord[];
  /** The last `limit` turns still in short-term memory, oldest first. */
  shortTerm(id: string, limit: number): TurnRecord[];
  append(id: string, turn: Omit<TurnRecord, 'id' | 'createdAt'> & { id?: string }, now: Date): TurnRecord;
  remove(id: string): boolean;
  /** Takes turns out of short-term memory (they stay in the transcript); resolves how many. */
  clearShortTerm(id: string | undefined): number;
  shortTermCounts(limit: number): { conversation: string; turns: number }[];
}

interface TurnRow {
  id: string;
  role: 'user' | 'assistant';
  text: string;
  expert: string | null;
  finish: string | null;
  events: string;
  created_at: string;
}

const toTurn = (row: TurnRow): TurnRecord => ({
  id: row.id,
  role: row.role,
  text: row.text,
  ...(row.expert === null ? {} : { expert: row.expert }),
  ...(row.finish === null ? {} : { finish: row.finish }),
  events: JSON.parse(row.events) as Record<string, unknown>,
  createdAt: row.created_at,
});

export function createConversationStore(db: MemoryDatabase): ConversationStore {
  const summarySql = `select c.id, c.title, c.created_at as createdAt, c.updated_at as updatedAt,
      (select count(*) from turns t where t.conversation_id = c.id) as turns from conversations c`;
  const get = db.prepare(`${summarySql} where c.id = ?`);
  const list = db.prepare(`${summarySql} order by c.updated_at desc`);
  const insertConversation = db.prepare('insert into conversations (id, title, created_at, updated_at) values (?, ?, ?, ?)');
  const selectTurns = db.prepare('select * from turns where conversation_id = ? order by seq');
  const selectShort = db.prepare('select * from (select * from turns where conversation_id = ? and in_short_term = 1 order by seq desc limit ?) order by seq');
  const nextSeq = db.prepare('select coalesce(max(seq), 0) + 1 as seq from turns where conversation_id = ?');
  const insertTurn = db.prepare('insert into turns (conversation_id, seq, id, role, text, expert, finish, events, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const touch = db.prepare('update conversations set updated_at = ?, title = case when title = \'\' and ? != \'\' then ? else title end where id = ?');
  const deleteConversation = db.prepare('delete from conversations where id = ?');
  const clearOne = db.prepare('update turns set in_short_term = 0 where conversation_id = ? and in_short_term = 1');
  const clearAll = db.prepare('update turns set in_short_term = 0 where in_short_term = 1');
  const counts = db.prepare('select conversation_id as conversation, count(*) as turns from turns where in_short_term = 1 group by conversation_id');

  const append = db.transaction((id: string, turn: Omit<TurnRecord, 'id' | 'createdAt'> & { id?: string }, at: string): TurnRecord => {
    const seq = (nextSeq.get(id) as { seq: number }).seq;
    const turnId = turn.id ?? randomUUID();
    insertTurn.run(id, seq, turnId, turn.role, turn.text, turn.expert ?? null, turn.finish ?? null, JSON.stringify(turn.events), at);
    const title = turn.role === 'user' ? turn.text.replace(/\s+/g, ' ').trim().slice(0, 60) : '';
    touch.run(at, title, title, id);
    return { ...turn, id: turnId, createdAt: at };
  });

  const store: ConversationStore = {
    create(now) {
      const id = randomUUID();
      const at = now.toISOString();
      insertConversation.run(id, '', at, at);
      return { id, title: '', createdAt: at, updatedAt: at, turns: 0 };
    },
    list: () => list.all() as ConversationSummary[],
    get: (id) => get.get(id) as ConversationSummary | undefined,
    require(id) {
      const found = store.get(id);
      if (found === undefined) throw new HearthError('HEARTH_ERR_NOT_FOUND', `No conversation ${JSON.stringify(id)}; create one with POST /api/v1/conversations.`, { details: { id } });
      return found;
    },
    turns: (id) => (selectTurns.all(id) as TurnRow[]).map(toTurn),
    shortTerm: (id, limit) => (selectShort.all(id, limit) as TurnRow[]).map(toTurn),
    append(id, turn, now) {
      store.require(id);
      return append(id, turn, now.toISOString());
    },
    remove: (id) => deleteConversation.run(id).changes > 0,
    clearShortTerm: (id) => (id === undefined ? clearAll.run() : clearOne.run(id)).changes,
    shortTermCounts: (limit) => (counts.all() as { conversation: string; turns: number }[]).map((c) => ({ conversation: c.conversation, turns: Math.min(limit, c.turns) })),
  };
  return store;
}
