import test from 'ava';
import { formatGoDuration } from './go-duration.js';

test('durations are formatted as Go formats time.Duration', (t) => {
  t.is(formatGoDuration(0), '0s');
  t.is(formatGoDuration(0.0005), '500ns');
  t.is(formatGoDuration(0.0015), '1.5µs');
  t.is(formatGoDuration(500), '500ms');
  t.is(formatGoDuration(1500), '1.5s');
  t.is(formatGoDuration(10_000), '10s');
  t.is(formatGoDuration(90_000), '1m30s');
  t.is(formatGoDuration(120_000), '2m0s');
  t.is(formatGoDuration(3_600_000), '1h0m0s');
  t.is(formatGoDuration(-2000), '-2s');
});
