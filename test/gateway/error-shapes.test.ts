/**
 * Each API's formatter (server/http/error-shapes.ts) names every kind of error in its own
 * vocabulary: no kind falls through to the API's "unknown error" code, and the status is the
 * kind's. The identity core's domain codes reach the formatters through http/core-errors.ts, so a
 * conflict raised in the core is `E_Conflict` for the Directory API, `conflict` for Passkeys and
 * `Default:Conflict` for token exchange.
 */
import test from 'ava';
import { fromIdentityError } from '../../server/http/core-errors.ts';
import { conjureError, directoryError, passkeysError } from '../../server/http/error-shapes.ts';
import { DEFAULT_STATUS, GatewayError, type ErrorKind } from '../../server/http/errors.ts';
import { IdentityError } from '../../server/identity/errors.ts';

const kinds = Object.keys(DEFAULT_STATUS) as ErrorKind[];

test('every kind has its own code in the Directory, Passkeys and Conjure shapes', (t) => {
  for (const kind of kinds.filter((k) => k !== 'internal')) {
    const err = new GatewayError(kind, 'x');
    const dir = directoryError(err, 'id').body as { code: string };
    const pk = passkeysError(err, 'id').body as { msgCode: string };
    const conj = conjureError(err, 'id').body as { errorName: string };
    t.not(dir.code, 'E_UnknownError', `directory ${kind}`);
    t.regex(dir.code, /^E_[A-Z]\w+$/, `directory ${kind}`);
    t.not(pk.msgCode, 'internal_error', `passkeys ${kind}`);
    t.not(conj.errorName, 'Default:Internal', `conjure ${kind}`);
    t.is(directoryError(err, 'id').status, DEFAULT_STATUS[kind]);
  }
});

test('a conflict of the identity core in each API\'s terms', (t) => {
  const err = fromIdentityError(new IdentityError('resource.conflict', 'This username exists'));
  t.is(err.status, 409);
  t.is((directoryError(err, 'id').body as { code: string }).code, 'E_Conflict');
  t.is((passkeysError(err, 'id').body as { msgCode: string }).msgCode, 'conflict');
  t.is((conjureError(err, 'id').body as { errorName: string }).errorName, 'Default:Conflict');
});

test('a lockout refusal of the core is 429 in each API\'s terms, with Retry-After', (t) => {
  const err = fromIdentityError(new IdentityError('lockout.blocked', 'Too many attempts', { retryAfterSeconds: 30 }));
  t.is(err.status, 429);
  t.is(err.options.headers?.['Retry-After'], '30');
  t.is((directoryError(err, 'id').body as { code: string }).code, 'E_TooManyRequests');
  t.is((passkeysError(err, 'id').body as { msgCode: string }).msgCode, 'too_many_requests');
  t.is((conjureError(err, 'id').body as { errorName: string }).errorName, 'Default:TooManyRequests');
});
