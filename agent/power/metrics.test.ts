import test from 'ava';
import { Registry } from 'prom-client';
import { createPowerMetrics } from './metrics.js';
import type { ServiceStatus } from './manager.js';

const status: ServiceStatus = {
  service: 'chat',
  jobId: 'chat',
  group: 'app',
  powerGroup: 'chat',
  address: '127.0.0.2',
  port: 18080,
  state: 'sleeping',
  idleForMs: 0,
  idleTimeoutMs: 2000,
  idleTimeoutSource: 'job meta',
  heldConnections: 2,
  counters: { rxPackets: 3, rxBytes: 300, txPackets: 2, txBytes: 200, activityBytes: 120, openConnections: 1, checkConnections: 4, lastActivityNs: 0 },
};

test('the power metrics report phases, bytes, connections, held connections and state per service', async (t) => {
  const registry = new Registry();
  const metrics = createPowerMetrics(registry);
  metrics.bind(() => ({ services: [status], refused: [] }));
  metrics.observePhase('chat', 'scale_requested', 0.004);
  metrics.observePhase('chat', 'healthy', 1.2);
  const text = await registry.metrics();
  t.regex(text, /hearth_power_cold_start_seconds_count\{service="chat",phase="scale_requested"\} 1/);
  t.regex(text, /hearth_power_cold_start_seconds_bucket\{le="0.005",service="chat",phase="scale_requested"\} 1/);
  t.regex(text, /hearth_power_service_bytes\{service="chat",direction="rx"\} 300/);
  t.regex(text, /hearth_power_service_connections\{service="chat",kind="check"\} 4/);
  t.regex(text, /hearth_power_held_connections\{service="chat"\} 2/);
  t.regex(text, /hearth_power_state\{service="chat",state="sleeping"\} 1/);
  t.regex(text, /hearth_power_state\{service="chat",state="awake"\} 0/);
});
