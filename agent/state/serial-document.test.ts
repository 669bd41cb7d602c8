import test from 'ava';
import { createSerialDocument } from './serial-document.js';

interface Doc {
  services: Record<string, { state: string }>;
}

const open = (initial: Doc) => createSerialDocument<Doc>(initial, async (draft) => draft);

test('view() is the current document itself: no copy per call, frozen to the bottom', (t) => {
  const document = open({ services: { a: { state: 'awake' } } });
  const view = document.view();
  t.is(document.view(), view, 'two views of one version are the same object');
  t.true(Object.isFrozen(view) && Object.isFrozen(view.services) && Object.isFrozen(view.services['a']));
  t.throws(() => {
    (view.services as Record<string, { state: string }>)['b'] = { state: 'sleeping' };
  }, { instanceOf: TypeError });
  t.deepEqual(document.read(), { services: { a: { state: 'awake' } } });
});

test('an update makes a new current document; a view taken before stays as it was', async (t) => {
  const document = open({ services: { a: { state: 'awake' } } });
  const before = document.view();
  await document.update((draft) => {
    draft.services['a'] = { state: 'sleeping' };
  });
  t.is(before.services['a']?.state, 'awake');
  t.is(document.view().services['a']?.state, 'sleeping');
  t.not(document.view(), before);
});

test('read() is still a copy the caller may change without touching the document', (t) => {
  const document = open({ services: { a: { state: 'awake' } } });
  const copy = document.read();
  copy.services['a'] = { state: 'sleeping' };
  t.is(document.view().services['a']?.state, 'awake');
});

test('the initial value handed in is not frozen: the document keeps a copy of its own', (t) => {
  const initial: Doc = { services: {} };
  open(initial);
  t.false(Object.isFrozen(initial));
  initial.services['x'] = { state: 'awake' };
  t.pass();
});
