import test from 'ava';
import { createUrlPolicy } from './url-policy.js';

const resolve = async (host: string) => ({ 'cluster.lan': ['10.0.0.5'], 'example.org': ['93.184.215.14'], localhost: ['127.0.0.1'] } as Record<string, string[]>)[host] ?? [];

test('private, loopback, link-local and non-http URLs are refused by default', async (t) => {
  const check = createUrlPolicy({ allow: [], deny: [] }, resolve);
  for (const url of ['http://127.0.0.1/', 'http://localhost:8000/', 'http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/', 'http://[::1]/', 'http://[fe80::1]/', 'http://[::ffff:10.0.0.1]/', 'http://cluster.lan/', 'file:///etc/shadow', 'javascript:alert(1)', 'http://user:pw@example.org/']) {
    t.false((await check(url)).ok, url);
  }
  t.deepEqual(await check('https://example.org/page'), { ok: true, host: 'example.org' });
});

test('allow rules open a host or range and deny rules win over them', async (t) => {
  const check = createUrlPolicy({ allow: ['127.0.0.1', '10.0.0.0/8'], deny: ['example.org', '10.9.0.0/16'] }, resolve);
  t.true((await check('http://127.0.0.1:8080/')).ok);
  t.true((await check('http://cluster.lan/')).ok);
  t.false((await check('http://127.0.0.2/')).ok);
  t.false((await check('http://10.9.1.1/')).ok);
  t.false((await check('https://example.org/')).ok);
});
