// The composition root of the `hearth` command: reads argv and the environment
// once, picks the command and hands it plain IO. Only this file knows them all.
import { COMMANDS } from './cli/registry.js';
import { renderHelp } from './cli/help.js';
import { describeFailure, exitCodeFor } from './cli/exit.js';
import { EXIT_BAD_INPUT, EXIT_OK, type CliIo, type CommandEntry } from './cli/command.js';
import { hearthVersion } from './version.js';

function findCommand(argv: readonly string[]): { entry: CommandEntry; rest: string[] } | undefined {
  const two = argv.slice(0, 2).join(' ');
  const one = argv[0] ?? '';
  const entry = COMMANDS.find((c) => c.name === two) ?? COMMANDS.find((c) => c.name === one);
  if (entry === undefined) return undefined;
  return { entry, rest: argv.slice(entry.name.split(' ').length) };
}

function interruption(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/**
 * A reader that stops early (`hearth models | head -1`) closes the pipe: the command ends quietly, like other
 * Unix tools, instead of dying of an unhandled EPIPE. The agent keeps running without its stdout.
 */
function endQuietlyOnClosedStdout(command: string | undefined): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    if (command !== 'agent') process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK);
  });
}

async function main(argv: string[]): Promise<number> {
  endQuietlyOnClosedStdout(argv[0]);
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), interrupted: interruption() };
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(renderHelp(COMMANDS, hearthVersion()));
    return argv.length === 0 ? EXIT_BAD_INPUT : EXIT_OK;
  }
  if (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version') {
    io.stdout.write(`hearth ${hearthVersion()}\n`);
    return EXIT_OK;
  }
  const found = findCommand(argv);
  if (found === undefined) {
    const groups = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `));
    const hint = groups.length > 0 ? `\n${groups.map((c) => `  ${c.usage}`).join('\n')}` : ' (see hearth --help)';
    io.stderr.write(`hearth: unknown command \`${argv.slice(0, 2).join(' ')}\`${hint}\n`);
    return EXIT_BAD_INPUT;
  }
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    io.stdout.write(`${found.entry.summary}\n\nUsage: ${found.entry.usage}\n`);
    return EXIT_OK;
  }
  try {
    const module = await found.entry.load();
    return await module.run(found.rest, io);
  } catch (err) {
    if (err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`hearth ${found.entry.name}: ${err.message}\nUsage: ${found.entry.usage}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr.write(describeFailure(err) + '\n');
    return exitCodeFor(err);
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
