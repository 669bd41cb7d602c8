import test from 'ava';
import { argvSchema, quoteForPosixShell } from './argv.js';

test('shell syntax as the program name is refused', (t) => {
  const parsed = argvSchema.safeParse(['; rm -rf /']);
  t.false(parsed.success);
  t.regex(parsed.error?.issues[0]?.message ?? '', /not shell syntax/);
});

test('a 100 MB argument, a line break or an empty argv is refused', (t) => {
  t.false(argvSchema.safeParse(['echo', 'x'.repeat(100 * 1024 * 1024)]).success);
  t.false(argvSchema.safeParse(['echo', 'a\nb']).success);
  t.false(argvSchema.safeParse([]).success);
});

test('each element is quoted as one literal word for a POSIX shell', (t) => {
  t.is(quoteForPosixShell(['echo', '; rm -rf /', "it's", '$(id)']), `echo '; rm -rf /' 'it'\\''s' '$(id)'`);
});
