// The join service's persistent state: issued tokens (hashed) and the nodes
// that used them. Kept in one JSON file under state.dir, replaced atomically on
// every change so it survives kill -9. Mutations run one at a time.
import { readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { HearthError } from '../errors.js';
import { replaceFileAtomically } from '../state/atomic-file.js';
import { createSerialDocument, type SerialDocument } from '../state/serial-document.js';

const tokenRecord = z.object({
  id: z.string(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  hostname: z.string(),
  mac: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  usedAt: z.string().optional(),
});

const nodeRecord = z.object({
  hostname: z.string(),
  mac: z.string(),
  status: z.enum(['installing', 'joined']),
  enrolledAt: z.string(),
  /** sha256 of the key the installer got in exchange for its join token; cleared once used. */
  enrollKeyHash: z.string().optional(),
  enrollKeyExpiresAt: z.string().optional(),
  joinedAt: z.string().optional(),
  address: z.string().optional(),
  provision: z.enum(['queued', 'running', 'succeeded', 'failed']).optional(),
});

const joinState = z.object({
  version: z.literal(1),
  tokens: z.array(tokenRecord),
  nodes: z.array(nodeRecord),
});

export type TokenRecord = z.infer<typeof tokenRecord>;
export type NodeRecord = z.infer<typeof nodeRecord>;
export type JoinState = z.infer<typeof joinState>;

/** update() resolves once the file is on disk. */
export type JoinStateStore = SerialDocument<JoinState>;

export const JOIN_STATE_FILE = 'join-state.json';

function emptyState(): JoinState {
  return { version: 1, tokens: [], nodes: [] };
}

/** Loads the state file (an absent file is an empty state; a corrupt one is an error, never silently reset). */
export async function openJoinStateStore(stateDir: string): Promise<JoinStateStore> {
  const path = join(stateDir, JOIN_STATE_FILE);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  let current = emptyState();
  try {
    current = joinState.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new HearthError('HEARTH_ERR_STATE', `Could not read the join state ${path}: ${(err as Error).message}`, {
        cause: err,
        details: { path },
      });
    }
  }
  return createSerialDocument(current, async (next) => {
    await replaceFileAtomically(path, JSON.stringify(next, null, 2) + '\n');
    return next;
  });
}
