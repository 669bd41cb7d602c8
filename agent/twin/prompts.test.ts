import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSilentLogger } from '../log.js';
import { createPromptLibrary, parsePersona } from './prompts.js';

test('a persona file with an unknown placeholder is refused with its file, line and the allowed names', (t) => {
  const error = t.throws(() => parsePersona('/p/code.md', '---\ndescription: x\n---\nHello {{MODEL_NAME}}\nand {{MODLE_NAME}}\n'));
  t.is(error?.message, 'Unknown placeholder {{MODLE_NAME}} in /p/code.md line 5; expected one of MODEL_NAME, EXPERT_NAME, CLUSTER_NAME, DATE, EXPERTS, TOOLS.');
});

test('front matter gives the description and keywords; placeholders are filled', (t) => {
  const persona = parsePersona('/p/code.md', '---\ndescription: Writes code.\nkeywords: Python, stack trace\n---\nYou are {{EXPERT_NAME}} on {{ MODEL_NAME }}.\n');
  t.is(persona.description, 'Writes code.');
  t.deepEqual(persona.keywords, ['python', 'stack trace']);
  t.deepEqual([...persona.placeholders].sort(), ['EXPERT_NAME', 'MODEL_NAME']);
});

test('a changed file is reloaded, and a broken edit keeps the previous version in use with the problem reported', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-prompts-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'code.md'), 'Version one for {{MODEL_NAME}}.\n');
  const library = createPromptLibrary({ dir, log: createSilentLogger(), debounceMs: 20 });
  library.start();
  t.teardown(() => library.stop());
  t.is(library.render('code', { MODEL_NAME: 'm' }), 'Version one for m.\n');
  const changed = new Promise<void>((resolve) => library.onChange(resolve));
  writeFileSync(join(dir, 'code.md'), 'Version two for {{MODEL_NAME}}.\n');
  await changed;
  t.is(library.render('code', { MODEL_NAME: 'm' }), 'Version two for m.\n');
  writeFileSync(join(dir, 'code.md'), 'Broken {{NOPE}}.\n');
  library.reload();
  t.is(library.render('code', { MODEL_NAME: 'm' }), 'Version two for m.\n');
  t.regex(library.problems()[0]!.message, /Unknown placeholder \{\{NOPE\}\}/);
});

test('the repository personas all load', (t) => {
  const library = createPromptLibrary({ dir: new URL('../../../prompts', import.meta.url).pathname, log: createSilentLogger() });
  t.deepEqual(library.problems(), []);
  t.true(library.list().length >= 4);
});
