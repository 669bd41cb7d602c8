// The documents' generated sections equal what the schema and the catalog give
// today, in both directions: a key or code added without `npm run docs` fails,
// and so does a row left behind after one is removed.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { configSchema } from '../../agent/config/schema.js';
import { ENV_BINDINGS } from '../../agent/config/env.js';
import { ERROR_CODES } from '../../agent/errors.js';
import { repoPath } from '../../agent/util/paths.js';
import { configRows } from './config-reference.js';
import { GENERATED_SECTIONS } from './generated.js';
import { readSection } from './sections.js';

const read = (file: string): string => readFileSync(repoPath(file), 'utf8');

for (const section of GENERATED_SECTIONS) {
  test(`${section.file} holds the ${section.name} generated from ${section.source}`, (t) => {
    const committed = readSection(read(section.file), section.name, section.file);
    t.is(committed, section.render(), `${section.file} is stale: run npm run docs and commit the result`);
  });
}

test('every configuration key has a description', (t) => {
  const rows = configRows();
  t.true(rows.length > 10);
  const bare = rows.filter((row) => row.description === undefined || row.description.trim() === '').map((row) => row.key);
  t.deepEqual(bare, [], 'give these keys a .describe() in agent/config/schema.ts (a /** */ comment is not read), then run npm run docs');
});

test('every environment variable hearth reads sets a configuration key', (t) => {
  const keys = new Set(configRows().map((row) => row.key));
  const stray = ENV_BINDINGS.filter((binding) => !keys.has(binding.path.join('.'))).map((binding) => binding.variable);
  t.deepEqual(stray, []);
});

/** README.md and every Markdown file under docs/. */
function documents(): string[] {
  const docs = readdirSync(repoPath('docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

test('every error code in the catalog is in the error reference, and every code a document names is in the catalog', (t) => {
  const reference = read('docs/errors.md');
  t.deepEqual(Object.keys(ERROR_CODES).filter((code) => !reference.includes(`\`${code}\``)), []);
  const unknown: string[] = [];
  for (const file of documents()) {
    for (const match of read(file).matchAll(/HEARTH_ERR_[A-Z0-9_]+/g)) {
      if (!(match[0] in ERROR_CODES)) unknown.push(`${file}: ${match[0]}`);
    }
  }
  t.deepEqual(unknown, [], 'documented codes that agent/errors.ts does not define');
});

/** YAML blocks that show a hearth configuration file: they start with the comment `# /etc/hearth/hearth.yaml`. */
function configExamples(file: string): string[] {
  const blocks = [...read(file).matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return blocks.filter((block) => block.startsWith('# /etc/hearth/hearth.yaml'));
}

for (const file of ['README.md', 'docs/configuration.md']) {
  test(`the configuration example in ${file} is valid`, (t) => {
    const examples = configExamples(file);
    t.true(examples.length > 0, `${file} shows no block starting with # /etc/hearth/hearth.yaml`);
    for (const example of examples) {
      const result = configSchema().safeParse(parse(example));
      t.true(result.success, result.success ? '' : JSON.stringify(result.error.issues));
    }
  });
}
