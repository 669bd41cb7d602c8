import test from 'ava';
import { formatDuration, parseDuration } from './duration.js';

test('Go-style durations parse to milliseconds', (t) => {
  t.is(parseDuration('300ms'), 300);
  t.is(parseDuration('90s'), 90_000);
  t.is(parseDuration('5m'), 300_000);
  t.is(parseDuration('1h30m'), 5_400_000);
  t.is(parseDuration('1.5s'), 1500);
});

test('signs, bare numbers and words are not durations', (t) => {
  for (const text of ['-5m', '0', 'forever', '', '5 m', '5x', 'm']) t.is(parseDuration(text), undefined, text);
});

test('durations format to their shortest form', (t) => {
  t.is(formatDuration(300_000), '5m');
  t.is(formatDuration(7_200_000), '2h');
  t.is(formatDuration(1500), '1.5s');
  t.is(formatDuration(250), '250ms');
});
