/** GET /mgmt/aaguid/{aaguid}: an authenticator model's name (API key, passkey:read). */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { aaguidOf } from '../aaguid-view.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtAaguidGet: H['mgmtAaguidGet'] = async ({ params }) => ({ status: 200, body: aaguidOf(params.aaguid) });
