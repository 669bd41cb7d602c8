// Saves the sessions to <state.dir>/mission-control-sessions.json (atomically,
// mode 0600) so a restarted agent keeps its signed-in pages. The file holds
// hashes of the cookie values, never the values.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { replaceFileAtomically } from '../state/atomic-file.js';
import type { Session } from './sessions.js';

const fileSchema = z.object({
  version: z.literal(1),
  sessions: z.array(z.object({ key: z.string().regex(/^[0-9a-f]{64}$/), csrf: z.string().min(20), createdAt: z.number(), expiresAt: z.number() }).strict()),
}).strict();

export interface SessionFile {
  read(): Session[];
  /** Writes the latest sessions; writes never overlap and the last one wins. */
  save(sessions: readonly Session[]): void;
  /** Resolves once every save asked for is on disk. */
  flush(): Promise<void>;
}

export function createSessionFile(stateDir: string, log: Logger): SessionFile {
  const path = join(stateDir, 'mission-control-sessions.json');
  let chain: Promise<void> = Promise.resolve();
  let latest: readonly Session[] | undefined;
  return {
    read() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return [];
      }
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        raw = undefined;
      }
      const parsed = fileSchema.safeParse(raw);
      if (!parsed.success) {
        log.warn({ path, issues: parsed.error.issues.length }, 'session file unreadable; every page signs in again');
        return [];
      }
      return parsed.data.sessions;
    },
    save(sessions) {
      latest = sessions;
      chain = chain.then(async () => {
        const next = latest;
        if (next === undefined) return;
        latest = undefined;
        await mkdir(stateDir, { recursive: true, mode: 0o700 });
        await replaceFileAtomically(path, `${JSON.stringify({ version: 1, sessions: next })}\n`, 0o600);
      }).catch((err: unknown) => log.warn({ err, path }, 'could not save the sessions'));
    },
    flush: () => chain,
  };
}
