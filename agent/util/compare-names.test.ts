import test from 'ava';
import { compareNames } from './compare-names.js';

const sign = (n: number) => Math.sign(n);

/** A small deterministic generator, so a failure names a reproducible pair. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

test('printable ASCII names are ordered exactly as localeCompare orders them', (t) => {
  const random = generator(7);
  const alphabets = ['abcdefghijklmnopqrstuvwxyz0123456789-', 'abAB09-_.', ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~'];
  const mismatches: string[] = [];
  for (let round = 0; round < 20_000; round += 1) {
    const alphabet = alphabets[round % alphabets.length] ?? '';
    const word = () => Array.from({ length: 1 + Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const a = word();
    const b = random() < 0.3 ? a.slice(0, Math.floor(random() * a.length)) + word() : word();
    if (sign(compareNames(a, b)) !== sign(a.localeCompare(b))) mismatches.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  t.deepEqual(mismatches.slice(0, 10), []);
});

test('service names sort as Consul lists them, and other text falls back to localeCompare', (t) => {
  t.deepEqual(['prima-api-router', 'prima-api-code', 'prima-api-10', 'prima-api-9', 'Prima-api-code'].sort(compareNames), ['prima-api-10', 'prima-api-9', 'prima-api-code', 'Prima-api-code', 'prima-api-router']);
  t.is(compareNames('é', 'f'), 'é'.localeCompare('f'));
  t.is(compareNames('same', 'same'), 0);
});
