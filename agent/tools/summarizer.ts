// summarizer.get_summary: an extractive summary of a conversation for a
// query: the sentences that share the most words with the query (and with
// the conversation as a whole), in the order they were said.
import { z } from 'zod';
import type { Tool } from './tool.js';

export interface TranscriptPort {
  /** The turns of a conversation, oldest first; undefined when there is no such conversation. */
  transcript(conversationId: string): readonly { readonly role: string; readonly text: string }[] | undefined;
}

const input = z
  .object({
    query: z.string().max(500).default('').describe('What the summary should be about; empty for a general summary.'),
    conversation: z.string().min(1).max(100).optional().describe('Conversation id; the current one when left out.'),
    sentences: z.number().int().min(1).max(20).default(5),
  })
  .strict();

export const summarizerGetSummary: Tool<typeof input, TranscriptPort> = {
  name: 'summarizer.get_summary',
  description: 'Summarise a conversation (the current one by default) for a query by picking its most relevant sentences.',
  input,
  sensitive: false,
  timeoutMs: 3000,
  outputLimit: 6000,
  async run(args, port, ctx) {
    const id = args.conversation ?? (ctx.caller.kind === 'twin' ? ctx.caller.conversationId : undefined);
    if (id === undefined) return { isError: true, text: 'Name the conversation to summarise (`conversation`).' };
    const turns = port.transcript(id);
    if (turns === undefined) return { isError: true, text: `No conversation ${JSON.stringify(id)}.` };
    const picked = summarize(turns, args.query, args.sentences);
    return { text: picked.length === 0 ? 'The conversation has nothing to summarise yet.' : picked.join('\n'), data: { conversation: id, sentences: picked } };
  },
};

const WORD = /[\p{L}\p{N}]+/gu;
const STOP = new Set('a an the and or of to in on for is are was were be it this that with as at by from i you we they he she what how why do does can'.split(' '));

function words(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).filter((w) => !STOP.has(w));
}

/** Picks up to `count` sentences by overlap with the query (weighted 3) and with the whole text, kept in spoken order. */
export function summarize(turns: readonly { role: string; text: string }[], query: string, count: number): string[] {
  const sentences: { text: string; index: number }[] = [];
  for (const turn of turns) {
    for (const sentence of turn.text.split(/(?<=[.!?])\s+|\n+/)) {
      const trimmed = sentence.trim();
      if (trimmed.length > 0) sentences.push({ text: `${turn.role}: ${trimmed}`, index: sentences.length });
    }
  }
  const frequency = new Map<string, number>();
  for (const s of sentences) for (const w of new Set(words(s.text))) frequency.set(w, (frequency.get(w) ?? 0) + 1);
  const queryWords = new Set(words(query));
  const scored = sentences.map((s) => {
    const ws = words(s.text);
    const score = ws.reduce((sum, w) => sum + (queryWords.has(w) ? 3 : 0) + (frequency.get(w) ?? 0) / sentences.length, 0) / Math.sqrt(ws.length + 1);
    return { ...s, score };
  });
  return scored
    .sort((a, b) => b.score - a.score)
    .slice(0, count)
    .sort((a, b) => a.index - b.index)
    .map((s) => s.text);
}
