import test from 'ava';
import { createFirstStage } from './first-stage.js';
import type { Expert } from './experts.js';

const expert = (kind: string): Expert => ({ name: `prima-api-${kind}`, kind, address: '127.0.0.1', port: 1, health: 'passing', description: kind, baseUrl: 'http://127.0.0.1:1/v1' });
const keywords: Record<string, string[]> = { code: ['python', 'stack trace', 'bug'], creative: ['poem', 'story', 'bug'] };
const stage = createFirstStage([expert('code'), expert('creative')], (kind) => keywords[kind] ?? []);

test('the expert whose keywords the question hits most is chosen, phrases included', (t) => {
  t.deepEqual(stage.decide('Here is a Python stack trace'), { expert: 'prima-api-code', reason: 'keywords: python, stack trace' });
  t.is(stage.decide('write a poem')?.expert, 'prima-api-creative');
});

test('a tie or no hit leaves the choice to the router model', (t) => {
  t.is(stage.decide('a bug'), undefined);
  t.is(stage.decide('hello there'), undefined);
});
