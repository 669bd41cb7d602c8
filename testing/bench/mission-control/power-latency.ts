// A power state change (the power manager's 'power' bus event) reaching the
// Power view's DOM: bus -> WebSocket -> store -> DOM, with the in-process
// agent and the power stand-in (the real manager needs eBPF and root).
import type { Browser } from 'playwright-core';
import { startLiveAgent } from '../../browser/live-agent.js';
import { formatMs, percentile } from '../agent/stats.js';

const TOKEN = 'bench-power-token-7a2b';

const ARM = (service: string, state: string) => `(() => {
  window.__hearthSeen = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      const badge = document.querySelector('article[data-service="${service}"] .badge');
      if (badge !== null && badge.textContent === '${state}') { observer.disconnect(); resolve(performance.timeOrigin + performance.now()); }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return true;
})()`;

export async function benchPowerLatency(options: { browser: Browser; print: (line: string) => void; trials: number }): Promise<void> {
  const services = Array.from({ length: 200 }, (_, i) => `prima-api-p${String(i).padStart(3, '0')}`);
  const agent = await startLiveAgent({ token: TOKEN, powerServices: services });
  try {
    const context = await options.browser.newContext();
    const page = await context.newPage();
    await page.goto(agent.url);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${agent.url}/#power`);
    await page.locator(`article[data-service="${services[0]}"]`).waitFor();
    const times: number[] = [];
    for (let i = 0; i < options.trials; i += 1) {
      const service = services[(i * 13) % services.length] ?? '';
      const state = i % 2 === 0 ? 'sleeping' : 'awake';
      if (state === 'awake') agent.power.setState(service, 'sleeping');
      await page.evaluate(ARM(service, state));
      const t0 = performance.timeOrigin + performance.now();
      agent.power.setState(service, state);
      times.push((await page.evaluate<number>('window.__hearthSeen')) - t0);
    }
    const p99 = percentile(times, 99);
    options.print(`power state -> DOM (${options.trials} changes, 200 services shown): p50 ${formatMs(percentile(times, 50))}, p99 ${formatMs(p99)}, max ${formatMs(Math.max(...times))} (target p99 <= 100 ms: ${p99 <= 100 ? 'met' : 'MISSED'})`);
    await context.close();
  } finally {
    await agent.stop();
  }
}
