// The `openai` package, loaded at the first request to a model server rather
// than at start-up: it is some 240 modules (about 18 MB resident) an agent
// whose twin nobody talks to would otherwise carry.
import type OpenAI from 'openai';

export type OpenAiClass = typeof OpenAI;

let loading: Promise<OpenAiClass> | undefined;

export function loadOpenAi(): Promise<OpenAiClass> {
  loading ??= import('openai').then((m) => m.default);
  return loading;
}
