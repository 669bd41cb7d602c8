// The `openai` package, loaded at the first embedding request (the remote
// embedder) rather than at start-up: an agent that embeds nothing does not
// carry it (2.4 MB resident for 6.49, 11.5 MB for 7.60).
import type OpenAI from 'openai';

export type OpenAiClass = typeof OpenAI;

let loading: Promise<OpenAiClass> | undefined;

export function loadOpenAi(): Promise<OpenAiClass> {
  loading ??= import('openai').then((m) => m.default);
  return loading;
}
