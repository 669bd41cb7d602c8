import test from 'ava';
import { buildNodes } from '../nodes.js';
import { checkConstraint, matchesDatacenter, resolveTarget } from './constraints.js';
import { interpolate } from './task-env.js';

const [node] = buildNodes([{ name: 'box', meta: { tier: 'gpu', tags: 'a,b,c' }, nodeClass: 'big', datacenter: 'home' }], 1);

test('node variables resolve like Nomad\'s interpolation', (t) => {
  if (node === undefined) return t.fail();
  t.is(resolveTarget('${attr.kernel.name}', node), 'linux');
  t.is(resolveTarget('${attr.unique.network.ip-address}', node), '127.0.0.2');
  t.is(resolveTarget('${node.unique.name}', node), 'box');
  t.is(resolveTarget('${node.datacenter}', node), 'home');
  t.is(resolveTarget('${node.class}', node), 'big');
  t.is(resolveTarget('${meta.tier}', node), 'gpu');
  t.is(resolveTarget('${meta.none}', node), undefined);
  t.is(interpolate('${NOMAD_X}-${meta.tier}-${unknown.thing}', { NOMAD_X: 'x' }, node), 'x-gpu-${unknown.thing}');
  return undefined;
});

test('constraint operands compare like Nomad\'s feasibility checker', (t) => {
  if (node === undefined) return t.fail();
  const c = (LTarget: string, Operand: string, RTarget = '') => checkConstraint({ LTarget, Operand, RTarget }, node);
  t.true(c('${meta.tier}', '=', 'gpu'));
  t.false(c('${meta.tier}', '!=', 'gpu'));
  t.true(c('${attr.memory.totalbytes}', '>', '1000'));
  t.true(c('${attr.cpu.numcores}', '<=', '4'));
  t.true(c('${node.unique.name}', 'regexp', '^b.x$'));
  t.true(c('${meta.tags}', 'set_contains', 'a,c'));
  t.false(c('${meta.tags}', 'set_contains', 'a,d'));
  t.true(c('${meta.tags}', 'set_contains_any', 'd,c'));
  t.true(c('${meta.tier}', 'is_set'));
  t.true(c('${meta.nope}', 'is_not_set'));
  t.false(c('${meta.nope}', '=', ''));
  t.true(c('${attr.nomad.version}', 'version', '>= 1.5, < 2.0'));
  t.true(matchesDatacenter(['h*'], 'home'));
  t.false(matchesDatacenter(['dc1'], 'home'));
  return undefined;
});
