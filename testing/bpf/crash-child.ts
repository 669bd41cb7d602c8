// Child process for the crash-recovery test: attaches the traffic monitor on
// the interfaces given as arguments, prints "attached", then waits to be
// killed with SIGKILL (so stop() never runs).
import { createSilentLogger } from '../../agent/log.js';
import { createTrafficMonitor } from '../../agent/bpf/monitor.js';
import { OBJECT_PATH } from './helpers.js';

const monitor = createTrafficMonitor({ interfaces: process.argv.slice(2), objectPath: OBJECT_PATH, log: createSilentLogger() });
await monitor.start();
process.stdout.write('attached\n');
setInterval(() => undefined, 60_000);
