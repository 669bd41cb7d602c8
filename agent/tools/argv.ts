// Rules for argument vectors the tools pass to programs: each element is
// plain text (no NUL, no line breaks), bounded in length, and the program
// name is a bare name or path, never shell syntax. Commands are never
// strings a shell parses.
import { z } from 'zod';

/** A program: a name or absolute path of letters, digits and `._+/-`. `; rm -rf /` is not one. */
export const programName = z
  .string()
  .max(256)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._+-]*$|^\/[A-Za-z0-9._+/-]+$/, {
    message: 'expected a program name or absolute path (letters, digits, "._+/-"), not shell syntax',
  });

/** One argument: any text without NUL or line breaks, at most 4096 characters. */
export const argument = z
  .string()
  .max(4096, { message: 'expected an argument of at most 4096 characters' })
  .refine((value) => !/[\0\r\n]/.test(value), { message: 'expected an argument without NUL or line breaks' });

export const argvSchema = z
  .array(argument)
  .min(1, { message: 'expected at least the program name' })
  .max(64, { message: 'expected at most 64 arguments' })
  .superRefine((argv, ctx) => {
    const parsed = programName.safeParse(argv[0]);
    if (!parsed.success) ctx.addIssue({ code: 'custom', path: [0], message: parsed.error.issues[0]?.message ?? 'expected a program name' });
  });

/** POSIX single-quoting: the remote shell sees each element as exactly one literal word. */
export function quoteForPosixShell(argv: readonly string[]): string {
  return argv.map((arg) => (/^[A-Za-z0-9_./=:,+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}
