// The one way a test that cannot run here says so: it is registered with
// ava as skipped (so the summary counts it) and its title ends with the
// reason, "(skipped: <why>)", so the TAP line tells a reader what is missing.
import { onPath } from './executables.js';
import test, { type ExecutionContext } from 'ava';

type Implementation = (t: ExecutionContext) => unknown;

export interface GuardedTest {
  (title: string, implementation: Implementation): void;
  serial(title: string, implementation: Implementation): void;
}

function skippedTitle(title: string, reason: string): string {
  return `${title} (skipped: ${reason})`;
}

/** `test` itself when `reason` is undefined; otherwise every test registered through it is skipped and says why. */
export function testUnless(reason: string | undefined): GuardedTest {
  if (reason === undefined) {
    return Object.assign((title: string, implementation: Implementation) => test(title, implementation), {
      serial: (title: string, implementation: Implementation) => test.serial(title, implementation),
    });
  }
  return Object.assign((title: string) => test.skip(skippedTitle(title, reason), () => undefined), {
    serial: (title: string) => test.serial.skip(skippedTitle(title, reason), () => undefined),
  });
}

/**
 * For a file whose tests all need one thing: when `reason` is given, registers
 * one skipped test "<what> (skipped: <reason>)" and returns true, and the
 * caller registers nothing else.
 */
export function skipAll(what: string, reason: string | undefined): boolean {
  if (reason === undefined) return false;
  test.skip(skippedTitle(what, reason), () => undefined);
  return true;
}

/** Why a command cannot be run here ("<name> is not installed"), or undefined when it is on PATH. */
export function missingCommand(name: string): string | undefined {
  return onPath(name) === undefined ? `${name} is not installed` : undefined;
}

/** "needs root" unless this process runs as root. */
export function notRoot(): string | undefined {
  return process.getuid?.() === 0 ? undefined : 'needs root';
}

/** The first of several reasons a test cannot run, or undefined when none applies. */
export function firstReason(...reasons: ReadonlyArray<string | undefined>): string | undefined {
  return reasons.find((reason) => reason !== undefined);
}
