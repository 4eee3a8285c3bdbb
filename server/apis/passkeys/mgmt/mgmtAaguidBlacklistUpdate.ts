/** POST /mgmt/aaguid/blacklist: adds or changes refused authenticator models of the application. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { setBlocked } from '../../../identity/loginid/aaguids.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtAaguidBlacklistUpdate: H['mgmtAaguidBlacklistUpdate'] = async ({ body, principal, context }) => {
  await setBlocked(context.services.store, principal.tenantId, body.items);
  return { status: 204 };
};
