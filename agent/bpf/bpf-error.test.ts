import test from 'ava';
import { isHearthError } from '../errors.js';
import { bpfError, errnoName } from './bpf-error.js';

test('a libbpf failure names the function, the errno and a hint', (t) => {
  const err = bpfError('bpf_tc_attach', -1, { interface: 'eth0' });
  t.true(isHearthError(err, 'HEARTH_ERR_BPF'));
  t.regex(err.message, /^bpf_tc_attach \(interface=eth0\) failed: EPERM \(errno 1\); run as root/);
  t.like(err.details, { function: 'bpf_tc_attach', errno: 1, errnoName: 'EPERM' });
});

test('a missing object file points at the build command', (t) => {
  t.regex(bpfError('bpf_object__open_file', 2).message, /npm run build:bpf/);
});

test('errno names are looked up by absolute value', (t) => {
  t.is(errnoName(-19), 'ENODEV');
  t.is(errnoName(17), 'EEXIST');
});
