// The fallback embedder used when no embedding expert is up: words and word
// pairs hashed into a fixed number of dimensions (signed feature hashing),
// normalised. Deterministic and fast; it finds memories that share words with
// the question, which is what a small cluster needs when its embedder sleeps.
import { createHash } from 'node:crypto';

export const LOCAL_DIMENSIONS = 256;
export const LOCAL_EMBEDDER_ID = `local-hash-${LOCAL_DIMENSIONS}`;

const WORD = /[\p{L}\p{N}]+/gu;

function hashOf(feature: string): number {
  return createHash('md5').update(feature).digest().readUInt32LE(0);
}

export function embedLocally(text: string): Float32Array {
  const vector = new Float32Array(LOCAL_DIMENSIONS);
  const words = text.toLowerCase().match(WORD) ?? [];
  const add = (feature: string, weight: number) => {
    const h = hashOf(feature);
    vector[h % LOCAL_DIMENSIONS]! += (h & 0x80000000 ? -1 : 1) * weight;
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    add(word, 1);
    // A crude stem so "sleeps" and "sleeping" meet.
    if (word.length > 4) add(`~${word.slice(0, 5)}`, 0.5);
    if (i + 1 < words.length) add(`${word} ${words[i + 1]}`, 0.5);
  }
  return normalise(vector);
}

export function normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}
