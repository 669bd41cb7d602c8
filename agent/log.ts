// pino and its helpers take tens of milliseconds to load, so it is required
// on the first logger made: `hearth jobs render` and friends never pay for it.
import { createRequire } from 'node:module';
import type { Logger, DestinationStream, pino as Pino } from 'pino';

export type { Logger };

/** Paths pino replaces with "[redacted]" wherever they appear in a log record. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  '*.*.token',
  'secretId',
  '*.secretId',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-nomad-token"]',
  'headers["x-consul-token"]',
  '*.headers["x-nomad-token"]',
  '*.headers["x-consul-token"]',
  'joinToken',
  '*.joinToken',
];

let loaded: typeof Pino | undefined;

function loadPino(): typeof Pino {
  loaded ??= (createRequire(import.meta.url)('pino') as { pino: typeof Pino }).pino;
  return loaded;
}

export interface LoggerOptions {
  readonly level?: string;
  readonly destination?: DestinationStream;
}

/** The one root logger; modules receive `log.child({ module })`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const opts = {
    level: options.level ?? 'info',
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  const pino = loadPino();
  return options.destination === undefined ? pino(opts) : pino(opts, options.destination);
}

/** A logger that discards everything, for tests and for CLI commands that print their own output. */
export function createSilentLogger(): Logger {
  return loadPino()({ level: 'silent' });
}
