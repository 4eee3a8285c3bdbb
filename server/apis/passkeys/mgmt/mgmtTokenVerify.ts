/**
 * POST /mgmt/token/verify: whether `jwtAccess` is a valid token of this API for the key's own
 * application (signature through the crypto core, issuer, audience, expiry, `tid`). 204 or 401.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { unauthorized } from '../../../http/errors.ts';
import { TokenError } from '../../../identity/tokens.ts';
import { verifyAccessToken } from '../../../identity/loginid/tokens.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtTokenVerify: H['mgmtTokenVerify'] = async ({ body, principal, context }) => {
  try {
    const { payload } = await verifyAccessToken(context.services.identity.tokens, context.services.config.publicUrl, body.jwtAccess);
    if (payload.tid !== principal.tenantId) throw unauthorized('Invalid token: issued for another application');
  } catch (e) {
    if (e instanceof TokenError) throw unauthorized(`Invalid token: ${e.reason.replace(/_/g, ' ')}`);
    throw e;
  }
  return { status: 204 };
};
