import { isHearthError } from '../errors.js';
import { EXIT_BAD_INPUT, EXIT_UNREACHABLE } from './command.js';

/** The exit code for a failure: 2 when something could not be reached, 1 otherwise. */
export function exitCodeFor(err: unknown): number {
  if (isHearthError(err, 'HEARTH_ERR_UNREACHABLE')) return EXIT_UNREACHABLE;
  return EXIT_BAD_INPUT;
}

/** The text shown for a failure: the message of a HearthError, the stack of anything unexpected. */
export function describeFailure(err: unknown): string {
  if (isHearthError(err)) return `hearth: ${err.message} [${err.code}]`;
  if (err instanceof Error) return `hearth: unexpected failure: ${err.stack ?? err.message}`;
  return `hearth: unexpected failure: ${String(err)}`;
}
