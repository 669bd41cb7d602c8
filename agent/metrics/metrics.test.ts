import test from 'ava';
import { createMetrics } from './metrics.js';

test('the exposition carries reachability, experts, blocking-query latency and process metrics', async (t) => {
  const metrics = createMetrics();
  t.teardown(() => metrics.stop());
  metrics.setReachable('consul', true);
  metrics.setExpertsDiscovered(3);
  metrics.observeBlockingQuery('consul', '/v1/health/service', 4);
  const text = await metrics.render();
  t.regex(text, /^hearth_backend_reachable\{backend="consul"\} 1$/m);
  t.regex(text, /^hearth_backend_reachable\{backend="nomad"\} 0$/m);
  t.regex(text, /^hearth_experts_discovered 3$/m);
  t.regex(text, /^hearth_blocking_query_seconds_bucket\{le="0.005",backend="consul",endpoint="\/v1\/health\/service"\} 1$/m);
  t.regex(text, /^hearth_process_resident_memory_bytes \d+/m);
});

test('two metric sets do not share values', async (t) => {
  const a = createMetrics({ processMetrics: false });
  const b = createMetrics({ processMetrics: false });
  t.teardown(() => { a.stop(); b.stop(); });
  a.setExpertsDiscovered(5);
  t.regex(await b.render(), /^hearth_experts_discovered 0$/m);
});
