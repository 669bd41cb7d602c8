// ansible.run_playbook with the real ansible-playbook against localhost (connection=local) in a temp dir.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../agent/config/schema.js';
import { isHearthError } from '../../agent/errors.js';
import { ansibleRunPlaybook, type AnsibleDeps } from '../../agent/tools/ansible-run-playbook.js';
import { testContext } from '../support/tool-context.js';

function ansibleMissing(): string | undefined {
  try {
    execFileSync('ansible-playbook', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'ansible-playbook is not installed (apt-get install -y ansible)';
  }
}
const missing = ansibleMissing();
const it = missing === undefined ? test.serial : test.skip;
if (missing !== undefined) test.skip(`ansible tests skipped: ${missing}`, () => {});

const dir = mkdtempSync(join(tmpdir(), 'hearth-ansible-tool-'));
const playbooks = join(dir, 'playbooks');
const target = join(dir, 'greeting.txt');
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

mkdirSync(playbooks);
writeFileSync(join(dir, 'inventory.ini'), 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
writeFileSync(join(playbooks, 'greet.yaml'), [
  '- name: Greeting file is present',
  '  hosts: localhost',
  '  gather_facts: false',
  '  tasks:',
  '    - name: Greeting is written',
  '      ansible.builtin.copy:',
  '        content: "{{ greeting }}\\n"',
  `        dest: ${target}`,
  '        mode: "0644"',
  '',
].join('\n'));
writeFileSync(join(dir, 'outside.yaml'), '- hosts: localhost\n  tasks: []\n');
symlinkSync(join(dir, 'outside.yaml'), join(playbooks, 'escape.yaml'));

const deps: AnsibleDeps = {
  config: configSchema().parse({}).tools.ansible,
  playbookDirs: [playbooks],
  inventory: join(dir, 'inventory.ini'),
};

it('the preview is a --check --diff run that changes nothing and shows the change', async (t) => {
  const preview = await ansibleRunPlaybook.preview!(ansibleRunPlaybook.input.parse({ playbook: 'greet.yaml', extraVars: { greeting: 'hello' } }), deps, testContext());
  t.regex(preview, /--check --diff \(exit code 0\)/);
  t.regex(preview, /\+hello/);
  t.regex(preview, /changed=1/);
  t.false(existsSync(target));
});

it('the run applies the playbook and streams its output as progress', async (t) => {
  const ctx = testContext();
  const result = await ansibleRunPlaybook.run(ansibleRunPlaybook.input.parse({ playbook: 'greet.yaml', extraVars: { greeting: 'hello' } }), deps, ctx);
  t.false(result.isError);
  t.is(readFileSync(target, 'utf8'), 'hello\n');
  t.true(ctx.lines.some((line) => line.includes('TASK [Greeting is written]')));
  t.true(ctx.lines.some((line) => /PLAY RECAP/.test(line)));
});

it('playbooks outside the allowed directories are refused before ansible runs', async (t) => {
  for (const playbook of ['../../etc/shadow', '../outside.yaml', '/etc/passwd.yaml', 'missing.yaml', 'escape.yaml']) {
    const err = await t.throwsAsync(ansibleRunPlaybook.run(ansibleRunPlaybook.input.parse({ playbook }), deps, testContext()));
    t.true(isHearthError(err, 'HEARTH_ERR_INVALID_INPUT') || isHearthError(err, 'HEARTH_ERR_NOT_FOUND'), playbook);
  }
});

it('extra variables that are templates, ansible\'s own or huge are refused by the schema', (t) => {
  const bad = [
    { greeting: "{{ lookup('pipe', 'rm -rf /') }}" },
    { ansible_connection: 'ssh' },
    { 'bad-name': 'x' },
    { greeting: 'x'.repeat(100 * 1024 * 1024) },
  ];
  for (const extraVars of bad) t.false(ansibleRunPlaybook.input.safeParse({ playbook: 'greet.yaml', extraVars }).success);
  t.false(ansibleRunPlaybook.input.safeParse({ playbook: 'greet.yaml', limit: 'all; rm -rf /' }).success);
});

it('a failing playbook returns its exit code as an error result', async (t) => {
  writeFileSync(join(playbooks, 'fail.yaml'), '- name: Fails\n  hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: Failure\n      ansible.builtin.fail:\n        msg: planned failure\n');
  const result = await ansibleRunPlaybook.run(ansibleRunPlaybook.input.parse({ playbook: 'fail.yaml' }), deps, testContext());
  t.true(result.isError);
  t.regex(result.text, /exit code 2/);
  t.regex(result.text, /planned failure/);
});
