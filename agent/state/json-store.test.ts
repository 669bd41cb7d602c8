import test from 'ava';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { isHearthError } from '../errors.js';
import { openJsonStore } from './json-store.js';

const schema = z.object({ counts: z.record(z.number().int()) });
const options = (dir: string) => ({ dir, file: 'doc.json', version: 1, schema, empty: () => ({ counts: {} }) });

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-state-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('an absent file opens as the empty document', async (t) => {
  const store = await openJsonStore(options(await tempDir(t)));
  t.deepEqual(store.read(), { counts: {} });
});

test('an update is on disk, versioned, when it resolves, and a reopened store reads it', async (t) => {
  const dir = await tempDir(t);
  const store = await openJsonStore(options(dir));
  await store.update((draft) => {
    draft.counts['web'] = 2;
  });
  const onDisk = JSON.parse(await readFile(join(dir, 'doc.json'), 'utf8'));
  t.deepEqual(onDisk, { version: 1, data: { counts: { web: 2 } } });
  const again = await openJsonStore(options(dir));
  t.deepEqual(again.read(), { counts: { web: 2 } });
  t.deepEqual((await readdir(dir)).filter((name) => name.endsWith('.tmp')), []);
});

test('concurrent updates apply one after another', async (t) => {
  const store = await openJsonStore(options(await tempDir(t)));
  await Promise.all(
    Array.from({ length: 10 }, () =>
      store.update((draft) => {
        draft.counts['n'] = (draft.counts['n'] ?? 0) + 1;
      }),
    ),
  );
  t.is(store.read().counts['n'], 10);
});

test('a change that breaks the schema is refused and nothing changes', async (t) => {
  const store = await openJsonStore(options(await tempDir(t)));
  await store.update((draft) => {
    draft.counts['web'] = 1;
  });
  await t.throwsAsync(
    store.update((draft) => {
      draft.counts['web'] = 1.5;
    }),
  );
  t.is(store.read().counts['web'], 1);
});

for (const [name, content, fragment] of [
  ['truncated JSON', '{"version": 1, "da', 'not valid JSON'],
  ['another version', '{"version": 7, "data": {"counts": {}}}', 'version 7'],
  ['a schema violation', '{"version": 1, "data": {"counts": {"web": "two"}}}', 'counts.web'],
] as const) {
  test(`a corrupt file (${name}) is reported with its path and left untouched`, async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, 'doc.json'), content);
    const err = await t.throwsAsync(openJsonStore(options(dir)));
    t.true(isHearthError(err, 'HEARTH_ERR_STATE'));
    t.true(err?.message.includes(fragment), err?.message);
    t.true(err?.message.includes(join(dir, 'doc.json')));
    t.is(await readFile(join(dir, 'doc.json'), 'utf8'), content);
  });
}
