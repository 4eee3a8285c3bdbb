/** DELETE /mgmt/aaguid/blacklist: allows authenticator models of the application again. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { unblock } from '../../../identity/loginid/aaguids.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtAaguidBlacklistDelete: H['mgmtAaguidBlacklistDelete'] = async ({ body, principal, context }) => {
  await unblock(context.services.store, principal.tenantId, body.aaguids);
  return { status: 204 };
};
