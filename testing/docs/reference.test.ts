import test from 'ava';
import { z } from 'zod';
import { duration } from '../../agent/config/schema.js';
import { configRows, renderConfigTable } from './config-reference.js';
import { renderErrorTable } from './error-reference.js';
import { readSection, writeSection } from './sections.js';

const schema = z
  .object({
    a: z
      .object({
        port: z.number().int().min(1).max(9).default(3).describe('A port.'),
        wait: duration(1000, 60_000).default('5s').describe('A wait.'),
        name: z.string().optional().describe('A name | with a bar.'),
        level: z.enum(['x', 'y']).default('x').describe('A level.'),
        list: z.array(z.string()).default([]).describe('A list.'),
      })
      .strict()
      .default({}),
  })
  .strict();

test('each leaf key becomes a row with its kind, default and description', (t) => {
  const rows = configRows(schema);
  t.deepEqual(rows.map((row) => [row.key, row.kind, row.hasDefault, row.defaultValue, row.description]), [
    ['a.port', 'integer, 1 to 9', true, 3, 'A port.'],
    ['a.wait', 'duration, 1s to 1m', true, '5s', 'A wait.'],
    ['a.name', 'string', false, undefined, 'A name | with a bar.'],
    ['a.level', 'one of `x`, `y`', true, 'x', 'A level.'],
    ['a.list', 'list of strings', true, [], 'A list.'],
  ]);
});

test('a table cell escapes the column separator', (t) => {
  const table = renderConfigTable(configRows(schema));
  t.true(table.includes('| `a.name` | — | string | (unset) | A name \\| with a bar. |'), table);
});

test('a key added to the schema changes the table, and so does a key removed', (t) => {
  const table = renderConfigTable(configRows(schema));
  const wider = renderConfigTable(configRows(schema.extend({ b: z.boolean().default(true).describe('B.') })));
  const narrower = renderConfigTable(configRows(z.object({ a: schema.shape.a.removeDefault().omit({ list: true }) })));
  t.not(wider, table);
  t.true(wider.includes('| `b` | — | boolean | `true` | B. |'));
  t.not(narrower, table);
  t.false(narrower.includes('a.list'));
});

test('the error table has one row per code', (t) => {
  t.is(renderErrorTable({ HEARTH_ERR_A: 'First.', HEARTH_ERR_B: 'Second.' }), '| code | meaning |\n| --- | --- |\n| `HEARTH_ERR_A` | First. |\n| `HEARTH_ERR_B` | Second. |');
});

test('a section is read and rewritten between its marker lines only', (t) => {
  const text = 'intro\n<!-- generated: t (npm run docs) -->\nold\n<!-- end generated: t -->\noutro\n';
  t.is(readSection(text, 't', 'x.md'), 'old');
  const rewritten = writeSection(text, 't', 'new\nrows', 'x.md');
  t.is(rewritten, 'intro\n<!-- generated: t (npm run docs) -->\nnew\nrows\n<!-- end generated: t -->\noutro\n');
  t.is(readSection(rewritten, 't', 'x.md'), 'new\nrows');
});

test('a document without the marker lines is an error naming the file and the lines', (t) => {
  t.throws(() => readSection('no markers', 't', 'docs/x.md'), { message: /docs\/x\.md.*<!-- generated: t \(npm run docs\) -->/ });
});
