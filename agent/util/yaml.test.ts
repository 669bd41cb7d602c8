import test from 'ava';
import { parseYaml, stringifyYaml, YamlSyntaxError } from './yaml.js';

test('the core schema keeps dates and yes/no as strings', (t) => {
  t.deepEqual(parseYaml('day: 2024-01-01\nanswer: yes\nport: 8080\nratio: 0.5\non: true\nnothing: ~\n'), {
    day: '2024-01-01',
    answer: 'yes',
    port: 8080,
    ratio: 0.5,
    on: true,
    nothing: null,
  });
});

test('an empty document parses to null', (t) => {
  t.is(parseYaml(''), null);
  t.is(parseYaml('# only a comment\n'), null);
});

test('malformed YAML reports the 1-based line and column with the lines around it', (t) => {
  const err = t.throws(() => parseYaml('a:\n  b: 1\n c: 2\n'), { instanceOf: YamlSyntaxError });
  t.is(err?.line, 3);
  t.is(err?.column, 2);
  t.regex(err?.message ?? '', /^bad indentation of a mapping entry at line 3, column 2:\n\n[^]* 3 \|  c: 2/);
});

test('a duplicated key is an error, not a silent overwrite', (t) => {
  const err = t.throws(() => parseYaml('a: 1\na: 2\n'), { instanceOf: YamlSyntaxError });
  t.is(err?.line, 2);
});

test('stringified values parse back to the same data, undefined members left out', (t) => {
  const value = { addr: 'http://127.0.0.1:4646', list: ['x', 'y z', '', '123', 'yes'], nested: { on: true, none: null, gone: undefined }, empty: [] };
  const text = stringifyYaml(value);
  t.false(text.includes('gone'));
  t.deepEqual(parseYaml(text), { addr: 'http://127.0.0.1:4646', list: ['x', 'y z', '', '123', 'yes'], nested: { on: true, none: null }, empty: [] });
});
