/** DELETE /passkeys/{id}: deletes one of the signed-in user's passkeys (passkey:write); another user's reads as absent. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { notFound } from '../../../http/errors.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { userOfToken } from '../app-context.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const passkeyDelete: H['passkeyDelete'] = async ({ params, principal, context }) => {
  const user = await userOfToken(context, principal);
  const { deletedCount } = await context.services.store.passkeyCredentials.deleteOne({ _id: params.id, tenantId: user.tenantId, userId: user._id });
  if (deletedCount !== 1) throw notFound('Passkey not found');
  return { status: 204 };
};
