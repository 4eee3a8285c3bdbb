/**
 * POST /mgmt/grant/external-auth: a short-lived token saying the application's backend vouches for
 * `username` (authenticated by a third party), for MFA third-party verification. It carries no
 * grants, only `ext: true`, so it opens no operation of this API by itself. The user must exist.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { GRANT_TOKEN_TTL_S, issueAccessToken } from '../../../identity/loginid/tokens.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { userByName } from '../app-context.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtExternalAuthGrantCreate: H['mgmtExternalAuthGrantCreate'] = async ({ body, principal, context }) => {
  const user = await userByName(context, principal.tenantId, body.username);
  const token = await issueAccessToken(context.services.identity.tokens, {
    publicUrl: context.services.config.publicUrl,
    tenantId: principal.tenantId,
    userId: user._id,
    username: user.username,
    grants: [],
    ttlSeconds: GRANT_TOKEN_TTL_S,
    claims: { ext: true },
  });
  return { status: 200, body: { token } };
};
