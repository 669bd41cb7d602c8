// The cheap first stage of routing: keywords. Each persona lists words and
// phrases; a question whose words hit one expert's keywords more often than
// any other's is routed there without asking the router model. A tie, or no
// hit, leaves the choice to the router model. Built once per expert list;
// deciding is a scan of the question's words against a map.
import type { Expert } from './experts.js';

export interface FirstStageDecision {
  readonly expert: string;
  readonly reason: string;
}

export interface FirstStage {
  decide(question: string): FirstStageDecision | undefined;
}

const WORD = /[\p{L}\p{N}+#]+/gu;

export function createFirstStage(experts: readonly Expert[], keywordsOf: (kind: string) => readonly string[]): FirstStage {
  const single = new Map<string, Set<string>>();
  const phrases: { words: string[]; expert: string; text: string }[] = [];
  for (const expert of experts) {
    for (const keyword of keywordsOf(expert.kind)) {
      const words = keyword.toLowerCase().match(WORD) ?? [];
      if (words.length === 1) {
        const set = single.get(words[0]!) ?? new Set<string>();
        set.add(expert.name);
        single.set(words[0]!, set);
      } else if (words.length > 1) phrases.push({ words, expert: expert.name, text: keyword });
    }
  }
  return {
    decide(question) {
      if (single.size === 0 && phrases.length === 0) return undefined;
      const words = question.toLowerCase().match(WORD) ?? [];
      const scores = new Map<string, { score: number; hits: string[] }>();
      const hit = (expert: string, what: string) => {
        const entry = scores.get(expert) ?? { score: 0, hits: [] };
        entry.score += 1;
        if (entry.hits.length < 3 && !entry.hits.includes(what)) entry.hits.push(what);
        scores.set(expert, entry);
      };
      for (let i = 0; i < words.length; i++) {
        const word = words[i]!;
        const experts = single.get(word);
        if (experts !== undefined) for (const e of experts) hit(e, word);
        for (const phrase of phrases) {
          if (phrase.words[0] !== word) continue;
          if (phrase.words.every((w, j) => words[i + j] === w)) hit(phrase.expert, phrase.text);
        }
      }
      let best: [string, { score: number; hits: string[] }] | undefined;
      let second = 0;
      for (const entry of scores) {
        if (best === undefined || entry[1].score > best[1].score) {
          second = best?.[1].score ?? 0;
          best = entry;
        } else if (entry[1].score > second) second = entry[1].score;
      }
      if (best === undefined || best[1].score === second) return undefined;
      return { expert: best[0], reason: `keywords: ${best[1].hits.join(', ')}` };
    },
  };
}
