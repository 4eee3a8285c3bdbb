/** GET /passkeys/aaguid/{aaguid}: an authenticator model's name (passkey:read JWT). */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { aaguidOf } from '../aaguid-view.ts';
import { userOfToken } from '../app-context.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const passkeysAaguidGet: H['passkeysAaguidGet'] = async ({ params, principal, context }) => {
  await userOfToken(context, principal);
  return { status: 200, body: aaguidOf(params.aaguid) };
};
