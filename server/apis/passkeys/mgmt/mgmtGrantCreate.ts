/**
 * POST /mgmt/grant: a short-lived JWT (GRANT_TOKEN_TTL_S) with the requested grants for a user of
 * the key's application, for the application's frontend (LoginID's web SDK passes it as `token`).
 * A key mints no more than it may do itself: passkey:* and profile:* need the same scope on the
 * key, reg:write, auth:write and self:write (signing in as the user) need user:write.
 * Without a username the token names no user and carries only the grants that need none.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { badRequest, forbidden } from '../../../http/errors.ts';
import { hasScope } from '../../../http/principal.ts';
import { GRANT_TOKEN_TTL_S, issueAccessToken } from '../../../identity/loginid/tokens.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { userByName } from '../app-context.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

const KEY_SCOPE_FOR_GRANT: Record<string, string> = {
  'passkey:read': 'passkey:read',
  'passkey:write': 'passkey:write',
  'profile:read': 'profile:read',
  'profile:write': 'profile:write',
  'reg:write': 'user:write',
  'auth:write': 'user:write',
  'self:write': 'user:write',
};

export const mgmtGrantCreate: H['mgmtGrantCreate'] = async ({ body, principal, context }) => {
  const missing = [...new Set(body.grants.map((g) => KEY_SCOPE_FOR_GRANT[g] ?? g))].filter((s) => !hasScope(principal, s));
  if (missing.length) throw forbidden(`This key may not grant that: missing scope ${missing.join(' ')}`);
  if (!body.username) throw badRequest('username is required');
  const user = await userByName(context, principal.tenantId, body.username);
  const token = await issueAccessToken(context.services.identity.tokens, {
    publicUrl: context.services.config.publicUrl,
    tenantId: principal.tenantId,
    userId: user._id,
    username: user.username,
    grants: body.grants,
    ttlSeconds: GRANT_TOKEN_TTL_S,
  });
  return { status: 200, body: { token } };
};
