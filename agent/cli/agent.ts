// hearth agent [--config FILE] [--listen HOST:PORT]: runs the node agent until
// SIGTERM or SIGINT, then deregisters, closes its watches and exits 0.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { createDaemon } from '../daemon/daemon.js';
import { parseListenAddress } from '../http-api/listen-address.js';
import { EXIT_OK, type CliIo } from './command.js';

/** After a clean stop, a handle left open by a library must not keep the process alive. */
const EXIT_GRACE_MS = 500;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, listen: { type: 'string' } },
    strict: true,
  });
  if (values.listen !== undefined) parseListenAddress(values.listen, '--listen');
  const loaded = loadConfig({ configPath: values.config, env: io.env });
  const log = createLogger({ level: loaded.config.log.level });
  const daemon = createDaemon({ loaded, log, listen: values.listen });
  await daemon.start();
  await io.interrupted;
  log.info('stopping on signal');
  await daemon.stop();
  setTimeout(() => process.exit(EXIT_OK), EXIT_GRACE_MS).unref();
  return EXIT_OK;
}
