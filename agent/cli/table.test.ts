import test from 'ava';
import { formatTable } from './table.js';

test('a table pads every column to its widest cell and trims line ends', (t) => {
  const text = formatTable(['NAME', 'HEALTH'], [['prima-api-code', 'passing'], ['x', '']]);
  t.is(text, 'NAME            HEALTH\nprima-api-code  passing\nx\n');
});
