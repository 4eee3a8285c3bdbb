/** PUT /passkeys/{id}: renames one of the signed-in user's passkeys (passkey:write); another user's reads as absent. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { badRequest, notFound } from '../../../http/errors.ts';
import { PASSKEY_NAME_MAX, renameCredential } from '../../../identity/webauthn/credentials.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { userOfToken } from '../app-context.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export function passkeyName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > PASSKEY_NAME_MAX) throw badRequest(`The name must be 1 to ${PASSKEY_NAME_MAX} characters`);
  return trimmed;
}

export const passkeyRename: H['passkeyRename'] = async ({ params, body, principal, context }) => {
  const user = await userOfToken(context, principal);
  const renamed = await renameCredential(context.services.store, { tenantId: user.tenantId, userId: user._id, id: params.id, name: passkeyName(body.name) });
  if (!renamed) throw notFound('Passkey not found');
  return { status: 204 };
};
