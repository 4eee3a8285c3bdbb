/**
 * POST /mgmt/token/verify: whether `jwtAccess` is a valid, live token of this API for the key's
 * own application (signature through the crypto core, issuer, audience, expiry, `tid`, and for a
 * token of a login session that the session is still open: security.ts verifyLiveToken, the same
 * check as the API's own bearer scheme). 204 or 401.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { unauthorized } from '../../../http/errors.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { verifyLiveToken } from '../security.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtTokenVerify: H['mgmtTokenVerify'] = async ({ body, principal, context }) => {
  const payload = await verifyLiveToken(context.services, body.jwtAccess);
  if (payload.tid !== principal.tenantId) throw unauthorized('Invalid token: issued for another application');
  return { status: 204 };
};
