// Child process for the crash-recovery test: `crash-child.js <tcPriority>
// <interface>...` attaches the traffic monitor, prints "attached", then waits
// to be killed with SIGKILL (so stop() never runs).
import { createSilentLogger } from '../../agent/log.js';
import { createTrafficMonitor } from '../../agent/bpf/monitor.js';
import { OBJECT_PATH } from './helpers.js';

const [priority = '', ...interfaces] = process.argv.slice(2);
const monitor = createTrafficMonitor({ interfaces, objectPath: OBJECT_PATH, log: createSilentLogger(), tcPriority: Number(priority) });
await monitor.start();
process.stdout.write('attached\n');
setInterval(() => undefined, 60_000);
