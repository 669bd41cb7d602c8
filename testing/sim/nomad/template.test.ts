import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { allocsOf, mockJob, startSim } from '../test-support.js';
import { waitFor } from '../../support/wait-for.js';
import { parseEnvFile, renderTemplate, type TemplateData } from './template.js';

const data: TemplateData = {
  healthyService: (name) => (name === 'web' ? [
    { ID: 'w1', Name: 'web', Address: '10.0.0.1', Port: 80, Tags: ['a', 'b'], Node: 'n1' },
    { ID: 'w2', Name: 'web', Address: '10.0.0.2', Port: 81, Tags: [], Node: 'n2' },
  ] : []),
  key: (k) => (k === 'cfg/mode' ? 'prod' : undefined),
  env: (n) => (n === 'NOMAD_ALLOC_INDEX' ? '3' : ''),
};

test('range service iterates healthy instances and else covers none', (t) => {
  const out = renderTemplate('{{ range service "web" }}{{ .Address }}:{{ .Port }} {{ .Tags }}\n{{ end }}{{ range service "none" }}x{{ else }}empty{{ end }}', data);
  t.is(out.output, '10.0.0.1:80 [a b]\n10.0.0.2:81 []\nempty');
  t.deepEqual([...out.services].sort(), ['none', 'web']);
});

test('env, key, keyOrDefault, if/else, trimming and comments render like consul-template', (t) => {
  const src = '{{/* header */}}mode={{ key "cfg/mode" }}\n  {{- if key "missing" }} yes{{ else }} other={{ keyOrDefault "missing" "dflt" }}{{ end -}}\n  idx={{ env "NOMAD_ALLOC_INDEX" }}';
  const out = renderTemplate(src, data);
  t.is(out.output, 'mode=prod other=dfltidx=3');
  t.deepEqual([...out.keys].sort(), ['cfg/mode', 'missing']);
});

test('unsupported functions fail with a clear message', (t) => {
  t.throws(() => renderTemplate('{{ secret "x" }}', data), { message: 'function "secret" is not supported by the simulator' });
  t.throws(() => renderTemplate('{{ key "a" | toUpper }}', data), { message: /pipes are not supported/ });
  t.throws(() => renderTemplate('{{ range service "web" }}', data), { message: /missing \{\{end\}\}/ });
});

test('env files parse KEY=VALUE lines', (t) => {
  t.deepEqual(parseEnvFile('# c\nA=1\nB="two"\n\nC=x=y\n'), { A: '1', B: 'two', C: 'x=y' });
});

test('a task template renders healthy services, loads env vars and restarts the task on change', async (t) => {
  const h = await startSim(t);
  await h.consul('/v1/agent/service/register', { method: 'PUT', body: { Name: 'backend', ID: 'b1', Address: '127.0.0.9', Port: 9001, Check: { CheckID: 'b1', TTL: '1h', Status: 'passing' } } });
  await h.consul('/v1/kv/cfg/level', { method: 'PUT', raw: 'debug' });
  const templates = [
    { DestPath: 'local/upstreams.txt', EmbeddedTmpl: '{{ range service "backend" }}{{ .Address }}:{{ .Port }}\n{{ else }}none\n{{ end }}', ChangeMode: 'restart' },
    { DestPath: 'secrets/app.env', EmbeddedTmpl: 'LEVEL={{ key "cfg/level" }}\n', Envvars: true, ChangeMode: 'noop' },
  ];
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('tpl', { task: { Templates: templates } }) });
  const alloc = await waitFor('running', async () => (await allocsOf(h, 'tpl')).find((a) => a.ClientStatus === 'running'));
  const dir = join(h.sim.control.workDir(), alloc.ID, 'main');
  t.is(readFileSync(join(dir, 'local', 'upstreams.txt'), 'utf8'), '127.0.0.9:9001\n');
  t.is(readFileSync(join(dir, 'secrets', 'app.env'), 'utf8'), 'LEVEL=debug\n');
  await h.consul('/v1/agent/check/fail/b1', { method: 'PUT' });
  await waitFor('re-rendered', () => (readFileSync(join(dir, 'local', 'upstreams.txt'), 'utf8') === 'none\n' ? true : undefined));
  const restarted = await waitFor('restart events', async () => {
    const a = (await allocsOf(h, 'tpl'))[0];
    const types = a?.TaskStates?.main?.Events.map((e) => e.Type) ?? [];
    return types.includes('Restart Signaled') && types.at(-1) === 'Started' ? a : undefined;
  });
  t.is(restarted.ClientStatus, 'running');
  t.true(existsSync(join(dir, 'secrets', 'app.env')));
});

test('a template using an unsupported function fails the task with a task event', async (t) => {
  const h = await startSim(t);
  await h.nomad('/v1/jobs', { method: 'PUT', body: mockJob('badtpl', { task: { Templates: [{ DestPath: 'local/x', EmbeddedTmpl: '{{ with secret "a" }}{{ end }}' }] } }) });
  const alloc = await waitFor('failed', async () => (await allocsOf(h, 'badtpl')).find((a) => a.ClientStatus === 'failed'));
  t.true(alloc.TaskStates?.main?.Events.some((e) => /^Template failed: .*not supported by the simulator/.test(e.DisplayMessage)));
});
