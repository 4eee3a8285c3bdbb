/** auth/complete: the assertion of the session's ceremony (assertion.ts), then the user's JWT (seed 003 JWT). */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { badRequest } from '../../../http/errors.ts';
import { issueAccessToken, readSession, SELF_GRANTS } from '../../../identity/loginid/tokens.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { verifySessionAssertion } from '../assertion.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const authComplete: H['authComplete'] = async ({ body, context }) => {
  const { services } = context;
  const s = await readSession(services.identity.tokens, services.config.publicUrl, body.session, 'auth');
  if (s === null) throw badRequest('Invalid or expired session');
  const { tenant, user, credential } = await verifySessionAssertion(context, s, body.assertionResult);
  const jwtAccess = await issueAccessToken(services.identity.tokens, {
    publicUrl: services.config.publicUrl,
    tenantId: tenant._id,
    userId: user._id,
    username: user.username,
    grants: SELF_GRANTS,
    claims: { pid: credential._id, ...(s.deviceId ? { did: s.deviceId } : {}) },
  });
  return { status: 200, body: { jwtAccess, userId: user._id, passkeyId: credential._id, ...(s.deviceId ? { deviceId: s.deviceId } : {}) } };
};
