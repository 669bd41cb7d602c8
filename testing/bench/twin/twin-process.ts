// The twin on its own process for the benchmark, as it runs in the agent:
// its HTTP API on loopback with one expert (argv: expert port, max answer
// tokens). Prints `url <URL>` once ready; stops on SIGTERM.
import { startTwinHarness } from '../../support/twin-harness.js';

const port = Number(process.argv[2]);
const maxAnswerTokens = Number(process.argv[3]);
const twin = await startTwinHarness({
  experts: [{ name: 'prima-api-code', address: '127.0.0.1', port }],
  config: { twin: { recall: 0, maxAnswerTokens } },
});
process.stdout.write(`url ${twin.url}\n`);
process.on('SIGTERM', () => void twin.close().then(() => process.exit(0)));
