/**
 * DELETE /mgmt/user/{userId}: deletes a user of the key's application with everything the core's
 * deletion rule takes (user-removal.ts: passkeys, sessions, keys ...), and its device entries.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { deleteUser } from '../user-deletion.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtUserDelete: H['mgmtUserDelete'] = async ({ params, principal, context }) => {
  await deleteUser(context, principal.tenantId, params.userId);
  return { status: 204 };
};
