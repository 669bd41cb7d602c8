// Figures taken against a real agent process on the simulator with 200 expert
// services: cold page ready, a check flip reaching the DOM, 20 pages at rest.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAgentProcess, type AgentProcess } from '../../integration/agent-process.js';
import { registerServices } from '../agent/seed.js';
import { startCluster, waitForExperts, type BenchCluster } from '../agent/cluster.js';
import { measureUsage, readRssBytes } from '../agent/proc-usage.js';
import { formatMs, percentile } from '../agent/stats.js';
import { measureColdLoad, printColdLoad } from './cold-load.js';

const TOKEN = 'bench-mission-control-token-5d1e';
const PREFIX = 'prima-api-mc-';

export interface PageBenchOptions {
  readonly browser: Browser;
  readonly print: (line: string) => void;
  readonly coldTrials: number;
  readonly changeTrials: number;
  readonly restSeconds: number;
  readonly services: number;
  readonly pages: number;
}

async function sessionCookie(agent: AgentProcess): Promise<{ name: string; value: string; url: string }> {
  const res = await fetch(`${agent.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
  const [pair] = (res.headers.get('set-cookie') ?? '').split(';');
  const [name, value] = (pair ?? '').split('=');
  return { name: name ?? '', value: value ?? '', url: agent.url };
}

async function signedContext(browser: Browser, agent: AgentProcess): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.addCookies([await sessionCookie(agent)]);
  return context;
}

const summary = (values: number[]) => `p50 ${formatMs(percentile(values, 50))}, p99 ${formatMs(percentile(values, 99))}, max ${formatMs(Math.max(...values))}`;

async function coldReady(options: PageBenchOptions, agent: AgentProcess): Promise<void> {
  const figures = await measureColdLoad({ browser: options.browser, url: agent.url, trials: options.coldTrials, rows: options.services, signedContext: (browser) => signedContext(browser, agent) });
  printColdLoad(figures, options.services, options.print);
}

/** Arms a MutationObserver for the expert row's badge to read `health`; the promise resolves with the wall time it did. */
const ARM = (id: string, health: string) => `(() => {
  const done = new Promise((resolve) => {
    const check = () => {
      const badge = document.querySelector('[data-testid=experts] tr[data-expert="${id}"] .badge');
      if (badge !== null && badge.textContent === '${health}') { observer.disconnect(); resolve(performance.timeOrigin + performance.now()); }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  window.__hearthSeen = done;
  return true;
})()`;

async function flip(agent: AgentProcess, cluster: BenchCluster, options: PageBenchOptions, i: number): Promise<{ id: string; next: string; trigger: () => Promise<void> }> {
  const index = (i * 7) % options.services;
  const name = `${PREFIX}${String(index).padStart(3, '0')}`;
  const node = cluster.nodes[index % cluster.nodes.length];
  if (node === undefined) throw new Error('no node');
  const before = await agent.getJson('/api/v1/experts');
  const current = (before.body.experts as { id: string; health: string }[]).find((e) => e.id === `${name}-1`)?.health;
  const next = current === 'passing' ? 'critical' : 'passing';
  return {
    id: `${name}-1`,
    next,
    trigger: async () => void (await fetch(`${node.consulAddr}/v1/agent/check/${next === 'passing' ? 'pass' : 'fail'}/${name}-1-ttl`, { method: 'PUT' })).arrayBuffer(),
  };
}

async function changeToDom(options: PageBenchOptions, agent: AgentProcess, cluster: BenchCluster, page: Page): Promise<void> {
  const dom: number[] = [];
  const api: number[] = [];
  // The page alone: nothing else asks the agent anything while it is timed.
  for (let i = 0; i < options.changeTrials; i += 1) {
    const change = await flip(agent, cluster, options, i);
    await page.evaluate(ARM(change.id, change.next));
    const t0 = performance.timeOrigin + performance.now();
    await change.trigger();
    dom.push((await page.evaluate<number>('window.__hearthSeen')) - t0);
  }
  // The floor, in separate trials: the agent's own API, polled every 5 ms, showing the change.
  for (let i = options.changeTrials; i < 2 * options.changeTrials; i += 1) {
    const change = await flip(agent, cluster, options, i);
    const t0 = performance.timeOrigin + performance.now();
    await change.trigger();
    for (;;) {
      const { body } = await agent.getJson('/api/v1/experts');
      if ((body.experts as { id: string; health: string }[]).some((e) => e.id === change.id && e.health === change.next)) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    api.push(performance.timeOrigin + performance.now() - t0);
  }
  const p99 = percentile(dom, 99);
  options.print(`cluster change -> DOM (${options.changeTrials} check flips, ${options.services} services watched): ${summary(dom)} (target p99 <= 100 ms: ${p99 <= 100 ? 'met' : 'MISSED'}); baseline the agent's own API showing it (5 ms poll, separate trials) ${summary(api)}`);
}

async function pagesAtRest(options: PageBenchOptions, agent: AgentProcess): Promise<void> {
  const pid = agent.child.pid;
  if (pid === undefined) throw new Error('no agent pid');
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const [without] = await measureUsage([pid], options.restSeconds);
  const contexts: BrowserContext[] = [];
  for (let i = 0; i < options.pages; i += 1) {
    const context = await signedContext(options.browser, agent);
    const page = await context.newPage();
    await page.goto(agent.url);
    await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
    contexts.push(context);
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const [withPages] = await measureUsage([pid], options.restSeconds);
  const rssNow = readRssBytes(pid);
  for (const c of contexts) await c.close();
  if (without === undefined || withPages === undefined) return;
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  const extraRss = withPages.rssEndBytes - without.rssEndBytes;
  const maxDelta = withPages.rssMaxBytes - without.rssMaxBytes;
  const extraCpu = withPages.cpuPercentOfOneCore - without.cpuPercentOfOneCore;
  options.print(`${options.pages} open pages at rest (${options.restSeconds} s windows): agent RSS ${mb(withPages.rssEndBytes)} (max ${mb(withPages.rssMaxBytes)}) vs ${mb(without.rssEndBytes)} (max ${mb(without.rssMaxBytes)}) with none (${extraRss >= 0 ? '+' : ''}${mb(extraRss)}, max ${maxDelta >= 0 ? '+' : ''}${mb(maxDelta)}; target <= 10 MB: ${Math.max(extraRss, maxDelta) <= 10 * 1024 * 1024 ? 'met' : 'MISSED'}); CPU ${withPages.cpuPercentOfOneCore.toFixed(2)}% vs ${without.cpuPercentOfOneCore.toFixed(2)}% of a core (+${extraCpu.toFixed(2)}%, target <= 1%: ${extraCpu <= 1 ? 'met' : 'MISSED'}); RSS after ${mb(rssNow)}`);
}

export async function benchPage(options: PageBenchOptions): Promise<void> {
  const cluster = await startCluster();
  const node = cluster.nodes[0];
  if (node === undefined) throw new Error('no node');
  let agent: AgentProcess | undefined;
  try {
    agent = await startAgentProcess({ nomadAddr: node.nomadAddr, consulAddr: node.consulAddr, nodeName: node.name, listenHost: node.address, logLevel: 'info', discoveryWait: '5m', token: TOKEN });
    await registerServices(cluster.nodes, PREFIX, options.services);
    await waitForExperts(agent, options.services);
    await coldReady(options, agent);
    const context = await signedContext(options.browser, agent);
    const page = await context.newPage();
    await page.goto(agent.url);
    await page.locator('[data-testid=experts] tr[data-expert]').first().waitFor();
    await changeToDom(options, agent, cluster, page);
    await context.close();
    await pagesAtRest(options, agent);
  } finally {
    await agent?.stop();
    await cluster.stop();
  }
}
