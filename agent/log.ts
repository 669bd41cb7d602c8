import { pino, type Logger, type DestinationStream } from 'pino';

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
  return options.destination === undefined ? pino(opts) : pino(opts, options.destination);
}

/** A logger that discards everything, for tests and for CLI commands that print their own output. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
