import test from 'ava';
import { AGENT_CARD_PATH as SDK_AGENT_CARD_PATH } from '@a2a-js/sdk';
import { AGENT_CARD_PATH } from './agent-card.js';

test('the agent card is served where the A2A SDK says peers look for it', (t) => {
  t.is(AGENT_CARD_PATH, `/${SDK_AGENT_CARD_PATH.replace(/^\//, '')}`);
});
