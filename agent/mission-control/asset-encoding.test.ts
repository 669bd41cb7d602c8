import test from 'ava';
import { chooseEncoding } from './asset-encoding.js';

test('brotli is preferred, then gzip, among what the request accepts and the build wrote', (t) => {
  t.is(chooseEncoding('gzip, deflate, br, zstd', ['br', 'gzip']), 'br');
  t.is(chooseEncoding('gzip, deflate', ['br', 'gzip']), 'gzip');
  t.is(chooseEncoding('br', ['gzip']), undefined);
  t.is(chooseEncoding('*', ['gzip']), 'gzip');
});

test('a coding refused with q=0, an empty or absent header gets the file as it is', (t) => {
  t.is(chooseEncoding('br;q=0, gzip;q=0.5', ['br', 'gzip']), 'gzip');
  t.is(chooseEncoding('*;q=0', ['br', 'gzip']), undefined);
  t.is(chooseEncoding('identity', ['br', 'gzip']), undefined);
  t.is(chooseEncoding('', ['br', 'gzip']), undefined);
  t.is(chooseEncoding(undefined, ['br', 'gzip']), undefined);
});
