// Product code throws catalog errors only (agent/errors.ts: HearthError with a
// HEARTH_ERR_* code), as fastify keeps its errors: no product file constructs a
// bare Error (or TypeError, RangeError, ...) except where listed below with
// the reason. The docs test checks the catalog against docs/errors.md.
import test from 'ava';
import { productSources } from './product-sources.js';

const BARE_ERROR = /\bnew (?:Error|TypeError|RangeError|SyntaxError|ReferenceError)\(/g;

interface Allowed {
  readonly count: number;
  readonly reason: string;
}

/** Files allowed to construct a bare error, how many times, and why. */
const ALLOWED: Readonly<Record<string, Allowed>> = {
  'agent/http/request.ts': {
    count: 1,
    reason: "the caller's own abort becomes an Error named AbortError, the platform's way to say 'stopped'; isAbortError and every loop recognise it by that name and treat it as stop, not failure",
  },
  'agent/tools/invoke.ts': {
    count: 1,
    reason: "the rejection that ends a tool call when the turn is cancelled: a cancellation the pipeline reports as the call's 'aborted' outcome, not a failure",
  },
  'agent/twin/twin.ts': {
    count: 5,
    reason: 'reasons handed to AbortController.abort() (conversation deleted, newer message, turn timeout, client gone, agent stopping): they say why a turn stopped, and the turn ends "interrupted", not failed',
  },
};

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/\s\/\/ .*$/gm, '');
}

function bareErrorCount(text: string): number {
  return [...withoutComments(text).matchAll(BARE_ERROR)].length;
}

test('product code constructs no bare Error outside the listed exceptions', (t) => {
  const found = productSources()
    .map((file) => ({ path: file.path, count: bareErrorCount(file.text) }))
    .filter(({ path, count }) => count > (ALLOWED[path]?.count ?? 0))
    .map(({ path, count }) => `${path}: ${count} bare Error(s); throw a HearthError with a code from agent/errors.ts`);
  t.deepEqual(found, []);
});

test('the scan sees a bare Error, and not one written in a comment', (t) => {
  t.is(bareErrorCount("if (x) throw new Error('no');\nreject(new TypeError('bad'));"), 2);
  t.is(bareErrorCount("// throw new Error('only a comment')\nthrow new HearthError('HEARTH_ERR_INTERNAL', 'ok');"), 0);
});
