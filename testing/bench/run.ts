// `npm run bench -- NAME [options]`: runs one named benchmark. Benchmarks
// print figures and ratios against a baseline measured in the same run; they
// assert nothing.
const BENCHMARKS: Readonly<Record<string, { summary: string; load: () => Promise<{ run(args: string[]): Promise<void> }> }>> = {
  agent: { summary: 'agent at rest, discovery latency vs a 1 s poller, simulator blocking-query latency, recovery', load: () => import('./agent/main.js') },
  jobs: { summary: 'hearth jobs render and heal against their baselines', load: () => import('./jobs/main.js') },
  power: { summary: 'SYN to scale request, wake overhead, resets, monitoring cost, warm path vs no monitor and an nginx proxy', load: () => import('./power/main.js') },
  twin: { summary: 'twin: added time to first token and tokens/s vs the expert direct, first-stage routing, memory search among 100,000', load: () => import('./twin/main.js') },
  'mission-control': { summary: 'page bundle, cold page ready, cluster and power changes to the DOM with 200 services, 20 pages at rest', load: () => import('./mission-control/main.js') },
  tools: { summary: 'sandbox start to first Python line vs bare python3, MCP tools/call through /mcp vs in process', load: () => import('./tools/main.js') },
  'power-warm-path': { summary: 'only the traffic monitor warm path against no monitor and an nginx proxy', load: () => import('./power/warm-path.js') },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const entry = name === undefined ? undefined : BENCHMARKS[name];
  if (entry === undefined) {
    process.stderr.write(`Usage: npm run bench -- NAME [--quick]\nBenchmarks:\n${Object.entries(BENCHMARKS).map(([n, b]) => `  ${n.padEnd(17)}${b.summary}`).join('\n')}\n`);
    return name === undefined || name === '--help' ? 0 : 1;
  }
  await (await entry.load()).run(rest);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
