// The traffic monitor cases against the kernel monitor on lo (skipped, in one line, where eBPF cannot run) and
// against the fake the power manager's unit tests use.
import test from 'ava';
import { createSilentLogger } from '../../agent/log.js';
import type { AdaptedMonitor } from '../../agent/power/monitor-adapter.js';
import { bpfSkipReason, uniqueLoopback } from '../bpf/helpers.js';
import { startMonitorWhenFree } from '../power/harness.js';
import { createFakeMonitor } from '../power/fakes.js';
import { skipAll } from '../support/skip.js';
import { MONITOR_CASES, type MonitorKind, type MonitorTarget } from './monitor.cases.js';

function register(kind: MonitorKind, target: () => MonitorTarget): void {
  for (const c of MONITOR_CASES) {
    const reason = c.skip?.[kind];
    const title = `[${kind}] ${c.title}`;
    if (reason !== undefined) test.skip(`${title} (skipped: ${reason})`, () => undefined);
    else test.serial(title, (t) => c.run(t, target()));
  }
}

register('fake', () => ({ kind: 'fake', monitor: createFakeMonitor(), address: '127.0.0.1' }));

if (!skipAll('traffic monitor cases on the kernel', bpfSkipReason())) {
  let kernel: AdaptedMonitor | undefined;
  const address = uniqueLoopback();
  test.before(async () => {
    kernel = await startMonitorWhenFree(['lo'], createSilentLogger());
  });
  test.after.always(async () => {
    await kernel?.stop();
  });
  register('kernel', () => {
    if (kernel === undefined) throw new Error('the kernel monitor did not start');
    return { kind: 'kernel', monitor: kernel, address };
  });
}
