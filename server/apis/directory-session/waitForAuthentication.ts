/**
 * GET /waitforauthentication?timeoutsec: the native client's long poll, with its native token as
 * the bearer (index.ts makes the principal the token's hash). Answers the session as soon as the
 * browser leg completes on any gateway instance (identity/directory/native-logins.ts, over the
 * core's signal hub), 408 `E_Timeout` when `timeoutsec` passes first, 401 for a token no pending
 * login knows or one whose session was already collected (single use). A browser leg that ended
 * in a refusal is answered at once with the code the browser was shown (E_AccessDenied when the
 * person declined, else the refusal's code). Shutdown ends the wait early.
 */
import { unauthorized, GatewayError } from '../../http/errors.ts';
import { waitForNativeLogin } from '../../identity/directory/native-logins.ts';
import { findAliveSession, sessionView } from '../../identity/directory/sessions.ts';
import { DirectoryRefusal } from '../../identity/directory/refusal.ts';
import { directoryDeps, refusalError } from './directory-deps.ts';
import type { DirectoryHandler } from './handler-types.ts';

export const waitForAuthentication: DirectoryHandler<'waitForAuthentication'> = async ({ query, principal, context }) => {
  const deps = directoryDeps(context.services);
  const outcome = await waitForNativeLogin(deps, principal.credentialId, (query.timeoutsec ?? 30) * 1000, context.signal);
  if (outcome.kind === 'unknown') throw unauthorized('No pending login for this native token');
  if (outcome.kind === 'timeout') throw new GatewayError('timeout', 'The browser leg did not complete in time; poll again', { code: 'E_Timeout' });
  if (outcome.kind === 'failed') {
    if (outcome.failure.accessDenied) throw new GatewayError('forbidden', 'The login was declined at the upstream provider', { code: 'E_AccessDenied' });
    throw refusalError(new DirectoryRefusal(outcome.failure.reason, 'The login in the browser was refused'));
  }
  const session = await findAliveSession(deps, outcome.tenantId, outcome.sessionId);
  if (session === null) throw unauthorized('The session of this login has ended');
  return { status: 200, body: await sessionView(deps, session) };
};
