// The client filesystem API (/v1/client/fs/logs and /cat) over a finished
// raw_exec allocation's directory.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { HttpApiError } from '../../../agent/errors.js';
import { createSilentLogger } from '../../../agent/log.js';
import { createNomadClient } from '../../../agent/nomad/client.js';
import { allocsOf, startSim, type SimHarness } from '../test-support.js';
import { waitFor } from '../../support/wait-for.js';

const PRINTER = "process.stdout.write('line one\\nline two\\n'); process.stderr.write('warned\\n');";

async function finishedAlloc(h: SimHarness, id: string): Promise<string> {
  await h.nomad('/v1/jobs', {
    method: 'PUT',
    body: { Job: { ID: id, Type: 'batch', TaskGroups: [{ Name: 'run', Tasks: [{ Name: 'printer', Driver: 'raw_exec', Config: { command: process.execPath, args: ['-e', PRINTER] } }] }] } },
  });
  const alloc = await waitFor('complete alloc', async () => (await allocsOf(h, id)).find((a) => a.ClientStatus === 'complete'));
  return alloc.ID;
}

test('logs with plain=true answer a finished task\'s raw stdout and stderr, from the start or the end', async (t) => {
  const h = await startSim(t);
  const alloc = await finishedAlloc(h, 'printer-job');
  const stdout = await h.nomad(`/v1/client/fs/logs/${alloc}?task=printer&type=stdout&plain=true&origin=start&offset=0`);
  t.is(stdout.status, 200);
  t.is(stdout.text, 'line one\nline two\n');
  t.regex(stdout.headers.get('content-type') ?? '', /^text\/plain/);
  t.is((await h.nomad(`/v1/client/fs/logs/${alloc}?task=printer&type=stderr&plain=true`)).text, 'warned\n');
  t.is((await h.nomad(`/v1/client/fs/logs/${alloc}?task=printer&type=stdout&plain=true&origin=start&offset=9`)).text, 'line two\n');
  t.is((await h.nomad(`/v1/client/fs/logs/${alloc}?task=printer&type=stdout&plain=true&origin=end&offset=9`)).text, 'line two\n');
  const framed = (await h.nomad(`/v1/client/fs/logs/${alloc}?task=printer&type=stdout`)).json as { Data: string; File: string };
  t.is(Buffer.from(framed.Data, 'base64').toString('utf8'), 'line one\nline two\n');
  t.is(framed.File, 'alloc/logs/printer.stdout.0');
});

test('cat reads a file by its path in the alloc directory', async (t) => {
  const h = await startSim(t);
  const alloc = await finishedAlloc(h, 'cat-job');
  const file = await h.nomad(`/v1/client/fs/cat/${alloc}?path=alloc/logs/printer.stdout.0`);
  t.is(file.status, 200);
  t.is(file.text, 'line one\nline two\n');
  t.like(await h.nomad(`/v1/client/fs/cat/${alloc}?path=alloc/logs/none.stdout.0`), { status: 404, text: 'stat alloc/logs/none.stdout.0: no such file or directory' });
  t.like(await h.nomad(`/v1/client/fs/cat/${alloc}?path=alloc/logs`), { status: 400, text: 'file "alloc/logs" is a directory' });
  t.like(await h.nomad(`/v1/client/fs/cat/${alloc}`), { status: 400, text: 'must provide a file name' });
});

test('a path or task that leads out of the alloc directory is refused with 400', async (t) => {
  const h = await startSim(t);
  const alloc = await finishedAlloc(h, 'escape-job');
  for (const path of ['../../etc/passwd', 'alloc/../../x', '..']) {
    t.like(await h.nomad(`/v1/client/fs/cat/${alloc}?path=${encodeURIComponent(path)}`), { status: 400, text: 'Path escapes the alloc directory' }, path);
  }
  symlinkSync('/etc', join(h.sim.control.workDir(), alloc, 'alloc', 'data', 'out'));
  t.like(await h.nomad(`/v1/client/fs/cat/${alloc}?path=alloc/data/out`), { status: 400, text: 'Path escapes the alloc directory' });
  t.like(await h.nomad(`/v1/client/fs/logs/${alloc}?task=${encodeURIComponent('../../../etc/passwd')}&type=stdout&plain=true`), {
    status: 400,
    text: 'task group "run" does not have task with name "../../../etc/passwd"',
  });
});

test('an unknown allocation is 404 and missing parameters are 400, in Nomad\'s words', async (t) => {
  const h = await startSim(t);
  const alloc = await finishedAlloc(h, 'words-job');
  const ghost = '00000000-0000-0000-0000-000000000000';
  t.like(await h.nomad(`/v1/client/fs/logs/${ghost}?task=printer&type=stdout&plain=true`), { status: 404, text: `Unknown allocation "${ghost}"` });
  t.like(await h.nomad(`/v1/client/fs/cat/${ghost}?path=alloc`), { status: 404, text: `Unknown allocation "${ghost}"` });
  t.like(await h.nomad(`/v1/client/fs/logs/${alloc}?type=stdout&plain=true`), { status: 400, text: 'must provide task name' });
  t.like(await h.nomad(`/v1/client/fs/logs/${alloc}?task=printer&plain=true`), { status: 400, text: 'must provide log type (stdout/stderr)' });
  t.like(await h.nomad(`/v1/client/fs/logs/${alloc}?task=printer&type=stdout&origin=middle`), { status: 400, text: 'origin must be start or end' });
});

test('with ACLs on, a read-logs token reads logs but not files, and no token reads nothing', async (t) => {
  const h = await startSim(t, { acl: { nomadToken: 'mgmt', nomadReadLogsToken: 'logs-only' } });
  const mgmt = { 'X-Nomad-Token': 'mgmt' };
  await h.nomad('/v1/jobs', {
    method: 'PUT',
    headers: mgmt,
    body: { Job: { ID: 'acl-job', Type: 'batch', TaskGroups: [{ Name: 'run', Tasks: [{ Name: 'printer', Driver: 'raw_exec', Config: { command: process.execPath, args: ['-e', PRINTER] } }] }] } },
  });
  const alloc = await waitFor('complete alloc', async () => {
    const list = (await h.nomad('/v1/job/acl-job/allocations', { headers: mgmt })).json as Array<{ ID: string; ClientStatus: string }>;
    return list.find((a) => a.ClientStatus === 'complete');
  });
  const logs = `/v1/client/fs/logs/${alloc.ID}?task=printer&type=stdout&plain=true`;
  t.like(await h.nomad(logs), { status: 403, text: 'Permission denied' });
  t.like(await h.nomad(logs, { headers: { 'X-Nomad-Token': 'logs-only' } }), { status: 200, text: 'line one\nline two\n' });
  t.like(await h.nomad(`/v1/client/fs/cat/${alloc.ID}?path=alloc/logs/printer.stdout.0`, { headers: { 'X-Nomad-Token': 'logs-only' } }), { status: 403, text: 'Permission denied' });
  t.like(await h.nomad('/v1/jobs', { headers: { 'X-Nomad-Token': 'logs-only' } }), { status: 403 });
  t.is((await h.nomad(`/v1/client/fs/cat/${alloc.ID}?path=alloc/logs/printer.stdout.0`, { headers: mgmt })).status, 200);
});

test('hearth\'s Nomad client reads the logs and files, and keeps Nomad\'s status and text on errors', async (t) => {
  const h = await startSim(t);
  const alloc = await finishedAlloc(h, 'client-job');
  const nomad = createNomadClient({ addr: h.nomadAddr, log: createSilentLogger() });
  t.teardown(() => nomad.close());
  t.is(await nomad.allocations.logs(alloc, 'printer', { type: 'stdout' }), 'line one\nline two\n');
  t.is(await nomad.allocations.logs(alloc, 'printer', { type: 'stdout', origin: 'end', offset: 9 }), 'line two\n');
  t.is(await nomad.allocations.readFile(alloc, 'alloc/logs/printer.stderr.0'), 'warned\n');
  const ghost = '00000000-0000-0000-0000-000000000000';
  const missing = await t.throwsAsync(nomad.allocations.logs(ghost, 'printer', { type: 'stdout' }));
  t.true(missing instanceof HttpApiError);
  t.like(missing, { code: 'HEARTH_ERR_NOT_FOUND', status: 404, body: `Unknown allocation "${ghost}"` });
  t.like(await t.throwsAsync(nomad.allocations.readFile(alloc, '../../etc/passwd')), { code: 'HEARTH_ERR_NOMAD_HTTP', status: 400, body: 'Path escapes the alloc directory' });
});
