// Long-term memory: facts the twin keeps, each with a vector from the local
// embedder (always, so search works with no embedding expert up) and, when an
// embedding expert answered, its vector too. Search is a binary-quantised
// nearest-neighbour pass (sqlite-vec, hamming) re-ranked by cosine distance on
// the full vectors; with a remote embedder, its vectors re-rank by brute force
// over the memories it embedded.
import type { MemoryDatabase } from './database.js';
import { LOCAL_DIMENSIONS, embedLocally } from './local-embedder.js';

export interface MemoryRecord {
  readonly id: number;
  readonly text: string;
  readonly source: string;
  readonly createdAt: string;
}

export interface MemoryHit extends MemoryRecord {
  /** Cosine distance (0 same direction, 2 opposite). */
  readonly distance: number;
}

export interface LongTermMemory {
  add(text: string, source: string, now: Date): MemoryRecord;
  /** Stores a remote embedder's vector beside a memory's local one. */
  setRemoteVector(id: number, embedder: string, vector: Float32Array): void;
  /** Nearest memories by a remote embedder's vectors (exact scan of the memories it embedded). */
  searchRemote(embedder: string, vector: Float32Array, limit: number): MemoryHit[];
  /** Memories without a vector from this embedder, oldest first. */
  missingRemote(embedder: string, limit: number): MemoryRecord[];
  /** Many at once in one transaction (imports, benchmarks). */
  addMany(items: readonly { text: string; source: string; createdAt: string }[]): number;
  search(query: string, limit: number): MemoryHit[];
  count(): number;
  list(limit: number): MemoryRecord[];
  all(): MemoryRecord[];
  clear(): number;
}

/** Candidates taken from the quantised pass before re-ranking. */
const CANDIDATES = 64;

export function createLongTermMemory(db: MemoryDatabase): LongTermMemory {
  const insert = db.prepare('insert into memories (text, source, created_at) values (?, ?, ?)');
  const insertBits = db.prepare('insert into memory_local (rowid, embedding) values (?, vec_quantize_binary(?))');
  const insertFull = db.prepare('insert into memory_local_full (id, embedding) values (?, ?)');
  const search = db.prepare(`
    with candidates as (select rowid, distance from memory_local where embedding match vec_quantize_binary(?) and k = ${CANDIDATES})
    select m.id, m.text, m.source, m.created_at as createdAt, vec_distance_cosine(f.embedding, ?) as distance
    from candidates c join memory_local_full f on f.id = c.rowid join memories m on m.id = c.rowid
    order by distance limit ?`);
  const count = db.prepare('select count(*) as n from memories');
  const setRemote = db.prepare('update memories set embedder = ?, embedding = ? where id = ?');
  const searchRemote = db.prepare(`select id, text, source, created_at as createdAt, vec_distance_cosine(embedding, ?) as distance
    from memories where embedder = ? order by distance limit ?`);
  const missing = db.prepare('select id, text, source, created_at as createdAt from memories where embedder is null or embedder != ? order by id limit ?');
  const list = db.prepare('select id, text, source, created_at as createdAt from memories order by id desc limit ?');
  const all = db.prepare('select id, text, source, created_at as createdAt from memories order by id');

  const addOne = (text: string, source: string, createdAt: string): number => {
    const id = Number(insert.run(text, source, createdAt).lastInsertRowid);
    const vector = Buffer.from(embedLocally(text).buffer);
    insertBits.run(BigInt(id), vector);
    insertFull.run(id, vector);
    return id;
  };
  const addTx = db.transaction(addOne);
  const addManyTx = db.transaction((items: readonly { text: string; source: string; createdAt: string }[]) => {
    for (const item of items) addOne(item.text, item.source, item.createdAt);
    return items.length;
  });
  const clearTx = db.transaction(() => {
    const n = (count.get() as { n: number }).n;
    db.exec('delete from memories; delete from memory_local; delete from memory_local_full;');
    return n;
  });

  return {
    add(text, source, now) {
      const createdAt = now.toISOString();
      const id = addTx(text, source, createdAt);
      return { id, text, source, createdAt };
    },
    addMany: (items) => addManyTx(items),
    search(query, limit) {
      if (limit <= 0 || query.trim() === '') return [];
      const vector = Buffer.from(embedLocally(query).buffer);
      return search.all(vector, vector, limit) as MemoryHit[];
    },
    setRemoteVector(id, embedder, vector) {
      setRemote.run(embedder, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength), id);
    },
    searchRemote(embedder, vector, limit) {
      if (limit <= 0) return [];
      return searchRemote.all(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength), embedder, limit) as MemoryHit[];
    },
    missingRemote: (embedder, limit) => missing.all(embedder, limit) as MemoryRecord[],
    count: () => (count.get() as { n: number }).n,
    list: (limit) => list.all(limit) as MemoryRecord[],
    all: () => all.all() as MemoryRecord[],
    clear: () => clearTx(),
  };
}

export { LOCAL_DIMENSIONS };
