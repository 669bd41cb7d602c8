import test from 'ava';
import { HearthError, HttpApiError, describeValue, invalidInput, isHearthError } from './errors.js';

test('an HTTP API error keeps the status code and the plain-text body', (t) => {
  const err = new HttpApiError('HEARTH_ERR_NOMAD_HTTP', {
    service: 'nomad', status: 500, body: '1 error occurred:\n\t* Missing job task groups', method: 'PUT', url: 'http://127.0.0.1:4646/v1/jobs',
  });
  t.is(err.status, 500);
  t.true(err.message.includes('answered 500'));
  t.true(err.message.includes('Missing job task groups'));
  t.true(isHearthError(err, 'HEARTH_ERR_NOMAD_HTTP'));
  t.false(isHearthError(err, 'HEARTH_ERR_CONSUL_HTTP'));
});

test('an input error names the value, the rule and the source', (t) => {
  const err = invalidInput('worker_count', 'a non-negative integer', -1, '--var worker_count=-1');
  t.is(err.code, 'HEARTH_ERR_INVALID_INPUT');
  t.is(err.message, 'Expected a non-negative integer for `worker_count` (from --var worker_count=-1), got `-1` (number).');
  t.true(err instanceof HearthError);
});

test('values are described with their type', (t) => {
  t.is(describeValue('a b'), '"a b" (string)');
  t.is(describeValue(undefined), 'nothing');
  t.is(describeValue([1, 2]), 'an array of 2');
});
