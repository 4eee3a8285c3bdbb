/** GET /mgmt/aaguid/blacklist: the application's refused authenticator models. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { listBlocked } from '../../../identity/loginid/aaguids.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtAaguidBlacklistList: H['mgmtAaguidBlacklistList'] = async ({ principal, context }) => ({
  status: 200,
  body: await listBlocked(context.services.store, principal.tenantId),
});
