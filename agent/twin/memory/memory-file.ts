// The memory file: everything the twin remembers (conversations with their
// turns, long-term memories) as one JSON document with a format and version,
// for `hearth memory save|load` and GET/POST /api/v1/memory/export|import.
// Loading validates the whole file first and changes nothing when it is bad;
// a dry run reports what loading would change.
import { z } from 'zod';
import { HearthError } from '../../errors.js';
import type { MemoryDatabase } from './database.js';
import type { ConversationStore } from './conversations.js';
import type { LongTermMemory } from './long-term.js';

export const MEMORY_FORMAT = 'hearth-memory';
export const MEMORY_VERSION = 1;

const turnSchema = z
  .object({
    id: z.string().min(1).max(200),
    role: z.enum(['user', 'assistant']),
    text: z.string().max(1_000_000),
    expert: z.string().max(200).optional(),
    finish: z.string().max(40).optional(),
    events: z.record(z.unknown()).default({}),
    createdAt: z.string().datetime(),
    inShortTerm: z.boolean().default(true),
  })
  .strict();

export const memoryFileSchema = z
  .object({
    format: z.literal(MEMORY_FORMAT),
    version: z.literal(MEMORY_VERSION),
    exportedAt: z.string().datetime(),
    conversations: z.array(
      z
        .object({ id: z.string().min(1).max(200), title: z.string().max(200), createdAt: z.string().datetime(), updatedAt: z.string().datetime(), turns: z.array(turnSchema) })
        .strict(),
    ),
    memories: z.array(z.object({ text: z.string().min(1).max(10_000), source: z.string().max(500), createdAt: z.string().datetime() }).strict()),
  })
  .strict();

export type MemoryFile = z.infer<typeof memoryFileSchema>;

export interface ImportSummary {
  readonly dryRun: boolean;
  /** Loading replaces what is remembered now. */
  readonly replaces: { readonly conversations: number; readonly turns: number; readonly memories: number };
  readonly loads: { readonly conversations: number; readonly turns: number; readonly memories: number };
}

export function exportMemory(db: MemoryDatabase, conversations: ConversationStore, longTerm: LongTermMemory, now: Date): MemoryFile {
  const inShort = db.prepare('select id, in_short_term as s from turns where conversation_id = ?');
  return {
    format: MEMORY_FORMAT,
    version: MEMORY_VERSION,
    exportedAt: now.toISOString(),
    conversations: conversations.list().map((c) => {
      const flags = new Map((inShort.all(c.id) as { id: string; s: number }[]).map((r) => [r.id, r.s === 1]));
      return {
        id: c.id,
        title: c.title,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        turns: conversations.turns(c.id).map((t) => ({ ...t, inShortTerm: flags.get(t.id) ?? true })),
      };
    }),
    memories: longTerm.all().map((m) => ({ text: m.text, source: m.source, createdAt: m.createdAt })),
  };
}

/** Checks a memory file; throws HEARTH_ERR_INVALID_INPUT listing every problem with its path. */
export function parseMemoryFile(raw: unknown, source: string): MemoryFile {
  const parsed = memoryFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new HearthError('HEARTH_ERR_INVALID_INPUT', `Expected a hearth memory file (format "${MEMORY_FORMAT}", version ${MEMORY_VERSION}) from ${source}; ${problems.join('; ')}. Nothing was loaded.`, {
      details: { source, problems },
    });
  }
  return parsed.data;
}

export function importMemory(db: MemoryDatabase, conversations: ConversationStore, longTerm: LongTermMemory, file: MemoryFile, dryRun: boolean): ImportSummary {
  const current = conversations.list();
  const replaces = { conversations: current.length, turns: current.reduce((n, c) => n + c.turns, 0), memories: longTerm.count() };
  const loads = { conversations: file.conversations.length, turns: file.conversations.reduce((n, c) => n + c.turns.length, 0), memories: file.memories.length };
  if (dryRun) return { dryRun, replaces, loads };
  const insertConversation = db.prepare('insert into conversations (id, title, created_at, updated_at) values (?, ?, ?, ?)');
  const insertTurn = db.prepare('insert into turns (conversation_id, seq, id, role, text, expert, finish, events, created_at, in_short_term) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    db.exec('delete from turns; delete from conversations;');
    longTerm.clear();
    for (const c of file.conversations) {
      insertConversation.run(c.id, c.title, c.createdAt, c.updatedAt);
      c.turns.forEach((t, i) => insertTurn.run(c.id, i + 1, t.id, t.role, t.text, t.expert ?? null, t.finish ?? null, JSON.stringify(t.events), t.createdAt, t.inShortTerm ? 1 : 0));
    }
    longTerm.addMany(file.memories);
  })();
  return { dryRun, replaces, loads };
}
