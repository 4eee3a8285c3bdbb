/** GET /version: the API version (LoginID's web SDK asks for it). */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const versionShow: H['versionShow'] = async () => ({ status: 200, body: { version: '2.0' } });
