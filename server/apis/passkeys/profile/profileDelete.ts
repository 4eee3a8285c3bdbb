/** DELETE /profile/{id}: deletes a user of the key's application and all its passkeys (user-deletion.ts). */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { deleteUser } from '../user-deletion.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const profileDelete: H['profileDelete'] = async ({ params, principal, context }) => {
  await deleteUser(context, principal.tenantId, params.id);
  return { status: 204 };
};
