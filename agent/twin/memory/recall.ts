// Which memories a question recalls: by the embedding expert's vectors when
// one is up (memories it has not embedded yet are embedded in the background),
// else by the local embedder. A failing embedding expert never fails a turn.
import type { Logger } from '../../log.js';
import type { LongTermMemory, MemoryHit } from './long-term.js';
import type { RemoteEmbedder } from './remote-embedder.js';

export interface Recall {
  /** Nearest memories for the question, and which embedder found them. */
  search(question: string, limit: number, signal?: AbortSignal): Promise<{ hits: MemoryHit[]; embedder: string }>;
  /** Embeds memories the current remote embedder has not seen; resolves how many. */
  backfill(limit?: number): Promise<number>;
}

export function createRecall(deps: { longTerm: LongTermMemory; embedder: () => RemoteEmbedder | undefined; log: Logger; timeoutMs?: number }): Recall {
  let backfilling: Promise<number> | undefined;
  const recall: Recall = {
    async search(question, limit, signal) {
      if (limit <= 0 || question.trim() === '') return { hits: [], embedder: 'none' };
      const remote = deps.embedder();
      if (remote !== undefined) {
        try {
          const timeout = AbortSignal.timeout(deps.timeoutMs ?? 2000);
          const [vector] = await remote.embed([question], signal === undefined ? timeout : AbortSignal.any([signal, timeout]));
          if (vector !== undefined) {
            void recall.backfill();
            const hits = deps.longTerm.searchRemote(remote.id, vector, limit);
            if (hits.length > 0 || deps.longTerm.count() === 0) return { hits, embedder: remote.id };
          }
        } catch (err) {
          deps.log.warn({ err, embedder: remote.id }, 'embedding expert failed; recalling with the local embedder');
        }
      }
      return { hits: deps.longTerm.search(question, limit), embedder: 'local' };
    },
    backfill(limit = 256) {
      const remote = deps.embedder();
      if (remote === undefined) return Promise.resolve(0);
      backfilling ??= (async () => {
        const pending = deps.longTerm.missingRemote(remote.id, limit);
        if (pending.length === 0) return 0;
        const vectors = await remote.embed(pending.map((m) => m.text));
        pending.forEach((m, i) => {
          const v = vectors[i];
          if (v !== undefined) deps.longTerm.setRemoteVector(m.id, remote.id, v);
        });
        return pending.length;
      })()
        .catch((err: unknown) => {
          deps.log.warn({ err, embedder: remote.id }, 'memories not embedded by the embedding expert');
          return 0;
        })
        .finally(() => (backfilling = undefined));
      return backfilling;
    },
  };
  return recall;
}
