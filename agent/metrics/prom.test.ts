import test from 'ava';
import * as promClient from 'prom-client';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from './prom.js';

test('the parts loaded one by one are the very classes prom-client exports', (t) => {
  t.is(Registry, promClient.Registry);
  t.is(Counter, promClient.Counter);
  t.is(Gauge, promClient.Gauge);
  t.is(Histogram, promClient.Histogram);
  t.is(collectDefaultMetrics, promClient.collectDefaultMetrics);
});

test('a registry made from them renders what is registered on it', async (t) => {
  const registry = new Registry();
  const counter = new Counter({ name: 'hearth_test_total', help: 'A test counter.', registers: [registry] });
  counter.inc(2);
  t.regex(await registry.metrics(), /^hearth_test_total 2$/m);
});
