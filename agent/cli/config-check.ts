// hearth config check [--config FILE] [--json]
import { parseArgs } from 'node:util';
import { isHearthError } from '../errors.js';
import { loadConfig, redactConfig, formatProblems, type ConfigProblem } from '../config/load.js';
import { EXIT_BAD_INPUT, EXIT_OK, type CliIo } from './command.js';
import { stringifyYaml as toYaml } from '../util/yaml.js';

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  try {
    const loaded = loadConfig({ configPath: values.config, env: io.env });
    const shown = redactConfig(loaded.config);
    if (values.json) {
      io.stdout.write(JSON.stringify({ ok: true, file: loaded.file ?? null, config: shown }, null, 2) + '\n');
    } else {
      io.stdout.write(`# effective configuration (file: ${loaded.file ?? 'none'}; secrets redacted)\n`);
      io.stdout.write(toYaml(shown));
    }
    return EXIT_OK;
  } catch (err) {
    if (isHearthError(err, 'HEARTH_ERR_CONFIG_INVALID')) {
      const problems = err.details['problems'] as ConfigProblem[];
      if (values.json) io.stdout.write(JSON.stringify({ ok: false, problems }, null, 2) + '\n');
      else io.stderr.write(`hearth: the configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${formatProblems(problems)}\n`);
      return EXIT_BAD_INPUT;
    }
    throw err;
  }
}
