// Every cluster tool refuses the classic hostile arguments before anything runs.
import test from 'ava';
import { configSchema } from '../../agent/config/schema.js';
import { isHearthError } from '../../agent/errors.js';
import { createSilentLogger } from '../../agent/log.js';
import { createHands, handsTools } from '../../agent/tools/hands.js';
import { ansibleRunPlaybook } from '../../agent/tools/ansible-run-playbook.js';
import { webBrowserGoto } from '../../agent/tools/web-browser-goto.js';
import type { BrowserSessions } from '../../agent/tools/web-browser/sessions.js';
import { createUrlPolicy } from '../../agent/tools/web-browser/url-policy.js';
import { testContext } from '../support/tool-context.js';

const HUGE = 'x'.repeat(100 * 1024 * 1024);
const hands = createHands({ config: configSchema().parse({}), log: createSilentLogger(), listExperts: () => [] });
const tools = new Map(handsTools(hands.deps).map((b) => [b.tool.name, b.tool]));
test.after.always(() => hands.stop());

test('the cluster tools are the expected ones, the ones that act on the cluster sensitive', (t) => {
  const flags = Object.fromEntries([...tools.values()].map((tool) => [tool.name, typeof tool.sensitive === 'function' ? 'per-call' : tool.sensitive]));
  t.deepEqual(flags, {
    'ssh.run_command': true,
    'code_runner.run_python_code': true,
    'ansible.run_playbook': true,
    'web_browser.goto': 'per-call',
    'web_browser.get_page_content': false,
    'web_browser.click': false,
    'web_browser.type': false,
    'vision.get_observation': false,
  });
});

const refusedBySchema: [string, unknown][] = [
  ['ssh.run_command', { host: '; rm -rf /', argv: ['true'] }],
  ['ssh.run_command', { host: '../../etc/shadow', argv: ['true'] }],
  ['ssh.run_command', { host: 'node-1', argv: ['; rm -rf /'] }],
  ['ssh.run_command', { host: 'node-1', argv: ['cat', HUGE] }],
  ['ssh.run_command', { host: 'node-1', command: 'rm -rf /' }],
  ['code_runner.run_python_code', { code: HUGE }],
  ['ansible.run_playbook', { playbook: HUGE }],
  ['ansible.run_playbook', { playbook: 'playbook.yaml', extraVars: { x: '{{ lookup("pipe", "rm -rf /") }}' } }],
  ['ansible.run_playbook', { playbook: 'playbook.yaml', limit: 'all; rm -rf /' }],
  ['web_browser.goto', { url: `http://example.org/${HUGE}` }],
  ['web_browser.type', { selector: '#q', text: HUGE }],
  ['web_browser.click', { selector: HUGE }],
  ['vision.get_observation', { question: HUGE }],
];

for (const [name, args] of refusedBySchema) {
  test(`${name} refuses ${JSON.stringify(args).slice(0, 60)} by its schema`, (t) => {
    const tool = tools.get(name);
    t.truthy(tool);
    t.false(tool?.input.safeParse(args).success);
  });
}

test('a playbook path leading out of ansible/ is refused before ansible runs', async (t) => {
  for (const playbook of ['../../etc/shadow', '/etc/shadow', 'file:///etc/passwd.yaml', '../ansible/../../etc/x.yaml']) {
    const err = await t.throwsAsync(ansibleRunPlaybook.run(ansibleRunPlaybook.input.parse({ playbook }), { ...hands.deps.ansible, config: { ...hands.deps.ansible.config, command: '/bin/false-never-run' } }, testContext()));
    t.true(isHearthError(err, 'HEARTH_ERR_INVALID_INPUT'), playbook);
  }
});

test('a file:// or internal URL is refused before any browser starts', async (t) => {
  const sessions: BrowserSessions = {
    session: async () => { throw new Error('the browser must not start'); },
    hasVisited: () => false,
    checkUrl: createUrlPolicy({ allow: [], deny: [] }),
    close: async () => {},
    stop: async () => {},
  };
  for (const url of ['file:///etc/shadow', 'http://169.254.169.254/', 'http://127.0.0.1:8000/api/v1/approvals', 'view-source:http://example.org']) {
    await t.throwsAsync(webBrowserGoto.run({ url }, { config: hands.deps.browser.config, sessions }, testContext()), { message: /Refused to open/ });
  }
});
