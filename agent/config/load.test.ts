import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHearthError } from '../errors.js';
import { loadConfig, redactConfig, type ConfigProblem } from './load.js';

function writeYaml(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-config-'));
  const file = join(dir, 'hearth.yaml');
  writeFileSync(file, text);
  return file;
}

const noFile = '/nonexistent/hearth.yaml';

function problems(fn: () => unknown): ConfigProblem[] {
  try {
    fn();
  } catch (err) {
    if (isHearthError(err, 'HEARTH_ERR_CONFIG_INVALID')) return err.details['problems'] as ConfigProblem[];
    throw err;
  }
  throw new Error('expected the config to be refused');
}

test('defaults apply when there is no file and no environment', (t) => {
  const { config } = loadConfig({ env: {}, defaultPath: noFile });
  t.is(config.api.listen, '0.0.0.0:8000');
  t.is(config.nomad.addr, 'http://127.0.0.1:4646');
  t.is(config.consul.addr, 'http://127.0.0.1:8500');
  t.true(config.power.enabled);
  t.is(config.power.holdLimit, 120_000);
  t.is(config.discovery.expertPrefix, 'prima-api-');
});

test('the environment wins over the file, and each key remembers its source', (t) => {
  const file = writeYaml('nomad:\n  addr: http://10.0.0.1:4646\n  token: from-file\napi:\n  listen: 127.0.0.1:9000\n');
  const loaded = loadConfig({ configPath: file, env: { NOMAD_ADDR: 'http://127.0.0.9:4646' } });
  t.is(loaded.config.nomad.addr, 'http://127.0.0.9:4646');
  t.is(loaded.config.nomad.token, 'from-file');
  t.is(loaded.config.api.listen, '127.0.0.1:9000');
  t.is(loaded.sources.get('nomad.addr'), 'environment NOMAD_ADDR');
  t.is(loaded.sources.get('api.listen'), `file ${file}`);
});

test('Nomad and Consul variables map onto their keys', (t) => {
  const { config } = loadConfig({
    defaultPath: noFile,
    env: {
      NOMAD_TOKEN: 'n-secret', NOMAD_REGION: 'eu', NOMAD_NAMESPACE: 'ai', NOMAD_CACERT: '/ca.pem',
      NOMAD_CLIENT_CERT: '/c.pem', NOMAD_CLIENT_KEY: '/k.pem', CONSUL_HTTP_ADDR: '127.0.0.1:8501',
      CONSUL_HTTP_TOKEN: 'c-secret', CONSUL_CACERT: '/cca.pem', CONSUL_CLIENT_CERT: '/cc.pem', CONSUL_CLIENT_KEY: '/ck.pem',
      HEARTH_API_TOKEN: 'a-secret', HEARTH_POWER_INTERFACES: 'lo, eth0', HEARTH_POWER_ENABLED: 'false',
    },
  });
  t.is(config.nomad.token, 'n-secret');
  t.is(config.nomad.region, 'eu');
  t.is(config.nomad.namespace, 'ai');
  t.is(config.nomad.caCert, '/ca.pem');
  t.is(config.consul.addr, 'http://127.0.0.1:8501');
  t.is(config.consul.clientKey, '/ck.pem');
  t.is(config.api.token, 'a-secret');
  t.deepEqual(config.power.interfaces, ['lo', 'eth0']);
  t.false(config.power.enabled);
});

test('CONSUL_HTTP_SSL turns a bare CONSUL_HTTP_ADDR into https', (t) => {
  const { config } = loadConfig({ defaultPath: noFile, env: { CONSUL_HTTP_ADDR: 'consul.local:8501', CONSUL_HTTP_SSL: 'true' } });
  t.is(config.consul.addr, 'https://consul.local:8501');
});

test('every problem is listed with its key path and source', (t) => {
  const file = writeYaml('nomad:\n  adress: http://x:4646\napi:\n  listen: nowhere\npower:\n  enabled: maybe\n');
  const found = problems(() => loadConfig({ configPath: file, env: { CONSUL_HTTP_ADDR: 'http://' } }));
  const byPath = new Map(found.map((p) => [p.path, p]));
  t.is(byPath.get('nomad.adress')?.message, 'unknown key');
  t.is(byPath.get('nomad.adress')?.source, `file ${file}`);
  t.regex(byPath.get('api.listen')?.message ?? '', /HOST:PORT/);
  t.truthy(byPath.get('power.enabled'));
  t.is(byPath.get('consul.addr')?.source, 'environment CONSUL_HTTP_ADDR');
  t.is(found.length, 4);
});

test('a bad boolean from the environment is reported against its variable', (t) => {
  const found = problems(() => loadConfig({ defaultPath: noFile, env: { HEARTH_POWER_ENABLED: 'sometimes' } }));
  t.deepEqual(found.map((p) => [p.path, p.source]), [['power.enabled', 'environment HEARTH_POWER_ENABLED']]);
});

test('a --config file that does not exist is an error, the default path may be absent', (t) => {
  const err = t.throws(() => loadConfig({ configPath: '/nonexistent/x.yaml', env: {} }));
  t.true(isHearthError(err, 'HEARTH_ERR_CONFIG_READ'));
  t.notThrows(() => loadConfig({ env: {}, defaultPath: noFile }));
});

test('malformed YAML names the file and the position', (t) => {
  const file = writeYaml('nomad:\n  addr: http://127.0.0.1:4646\n token: x\n');
  const err = t.throws(() => loadConfig({ configPath: file, env: {} }));
  t.true(isHearthError(err, 'HEARTH_ERR_CONFIG_READ'));
  t.true(err?.message.includes(file));
  t.regex(err?.message ?? '', /at line 3, column 2:\n\n[^]* 3 \|  token: x/);
});

test('an unclosed flow list is malformed YAML too', (t) => {
  const file = writeYaml('nomad: [unclosed\n');
  const err = t.throws(() => loadConfig({ configPath: file, env: {} }));
  t.true(isHearthError(err, 'HEARTH_ERR_CONFIG_READ'));
  t.regex(err?.message ?? '', /is not valid YAML: .* at line \d+, column \d+/);
});

test('secrets are redacted when the config is shown', (t) => {
  const { config } = loadConfig({ defaultPath: noFile, env: { NOMAD_TOKEN: 'n-secret', HEARTH_API_TOKEN: 'a-secret' } });
  const shown = JSON.stringify(redactConfig(config));
  t.false(shown.includes('n-secret'));
  t.false(shown.includes('a-secret'));
  t.true(shown.includes('[redacted]'));
  t.false(shown.includes('"consul":{"addr":"http://127.0.0.1:8500","token"'));
});

test('a problem shows the value given, except for a secret', (t) => {
  const file = writeYaml('api:\n  token: 8675309\n');
  const found = problems(() => loadConfig({ configPath: file, env: { HEARTH_LISTEN: 'nowhere' } }));
  const listen = found.find((p) => p.path === 'api.listen');
  t.regex(listen?.message ?? '', /, got "nowhere" \(string\)$/);
  const token = found.find((p) => p.path === 'api.token');
  t.truthy(token, 'a token of the wrong type is a problem');
  t.notRegex(token?.message ?? '', /8675309/);
});
