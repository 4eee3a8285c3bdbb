/**
 * reg/complete: the registration the `session` names is finished (registration-finish.ts: the
 * core's verification, the AAGUID blacklist, the user of a first registration, the passkey) and
 * the user is signed in (seed 003 JWT).
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { badRequest } from '../../../http/errors.ts';
import { issueAccessToken, readSession, SELF_GRANTS } from '../../../identity/loginid/tokens.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { finishRegistration } from '../registration-finish.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const regComplete: H['regComplete'] = async ({ body, context }) => {
  const { services } = context;
  const s = await readSession(services.identity.tokens, services.config.publicUrl, body.session, 'reg');
  if (s === null || s.userId === null) throw badRequest('Invalid or expired session');
  const { tenant, userId, username, credential } = await finishRegistration(context, s, body.creationResult, body.passkeyName ?? null);
  const jwtAccess = await issueAccessToken(services.identity.tokens, {
    publicUrl: services.config.publicUrl,
    tenantId: tenant._id,
    userId,
    username,
    grants: SELF_GRANTS,
    claims: { pid: credential._id, ...(s.deviceId ? { did: s.deviceId } : {}) },
  });
  return { status: 200, body: { jwtAccess, userId, passkeyId: credential._id, ...(s.deviceId ? { deviceId: s.deviceId } : {}) } };
};
