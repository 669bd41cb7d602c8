// A ToolContext for calling a tool's run() directly in tests: records every
// progress line, and aborts when the test says so.
import { createSilentLogger } from '../../agent/log.js';
import type { ToolCaller, ToolContext } from '../../agent/tools/tool.js';

export interface TestContext extends ToolContext {
  readonly lines: string[];
  abort(reason?: string): void;
}

export function testContext(caller: ToolCaller = { kind: 'operator', who: 'test' }): TestContext {
  const controller = new AbortController();
  const lines: string[] = [];
  return {
    signal: controller.signal,
    caller,
    log: createSilentLogger(),
    progress: (message) => { lines.push(message); },
    lines,
    abort: (reason = 'aborted by the test') => controller.abort(reason),
  };
}
