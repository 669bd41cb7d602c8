// The approvals audit log: one JSON line per request, decision and outcome,
// appended and fsynced before the change is acknowledged. Never rewritten.
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HearthError } from '../../errors.js';

export type AuditEntry =
  | { readonly kind: 'requested'; readonly at: string; readonly id: string; readonly tool: string; readonly args: unknown; readonly caller: unknown; readonly expiresAt: string }
  | { readonly kind: 'decided'; readonly at: string; readonly id: string; readonly status: string; readonly by?: string; readonly reason?: string; readonly editedArgs?: unknown }
  | { readonly kind: 'outcome'; readonly at: string; readonly id: string; readonly ok: boolean; readonly summary: string };

export interface AuditLog {
  readonly path: string;
  append(entry: AuditEntry): Promise<void>;
  /** Every entry, oldest first; a torn last line (kill -9 mid-append) is skipped. */
  read(): Promise<AuditEntry[]>;
}

export function createAuditLog(path: string): AuditLog {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    path,
    append(entry) {
      const run = async () => {
        try {
          await mkdir(dirname(path), { recursive: true, mode: 0o700 });
          const file = await open(path, 'a', 0o600);
          try {
            await file.appendFile(JSON.stringify(entry) + '\n', 'utf8');
            await file.sync();
          } finally {
            await file.close();
          }
        } catch (err) {
          throw new HearthError('HEARTH_ERR_STATE', `Could not append to the approvals audit log ${path}: ${(err as Error).message}`, { cause: err, details: { path } });
        }
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
    async read() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
      const entries: AuditEntry[] = [];
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        try {
          entries.push(JSON.parse(line) as AuditEntry);
        } catch {
          // A line cut short by a crash mid-append; the entries before it stand.
        }
      }
      return entries;
    },
  };
}
