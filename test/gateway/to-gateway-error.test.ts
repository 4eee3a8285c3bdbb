/**
 * Store outages become 503 with Retry-After, never an opaque 500: the driver's own errors and the
 * bare socket error it sometimes lets through when the server has just gone away.
 */
import test from 'ava';
import { isDatabaseUnavailable, toGatewayError } from '../../server/http/to-gateway-error.ts';

const systemError = (code: string, syscall: string) => Object.assign(new Error(`${syscall} ${code}`), { code, errno: -32, syscall });

test('a bare EPIPE or ECONNRESET of a socket write or read is the store going away: 503 with Retry-After', (t) => {
  for (const err of [systemError('EPIPE', 'write'), systemError('ECONNRESET', 'read'), new Error('wrapped', { cause: systemError('EPIPE', 'write') })]) {
    t.true(isDatabaseUnavailable(err));
    const mapped = toGatewayError(err);
    t.is(mapped.status, 503);
    t.is(mapped.options.headers?.['Retry-After'], '2');
  }
  const named = Object.assign(new Error('server selection timed out'), { name: 'MongoServerSelectionError' });
  t.is(toGatewayError(named).status, 503);
});

test('other errors stay what they are: an unexpected one is an opaque 500', (t) => {
  for (const err of [new Error('boom'), Object.assign(new Error('EPIPE without a syscall'), { code: 'EPIPE' }), systemError('ENOENT', 'open')]) {
    t.false(isDatabaseUnavailable(err));
    t.is(toGatewayError(err).status, 500);
  }
});
