/** DELETE /fido2/v2/scim/Users/{id}: RFC 7644 §3.6, 204; the user leaves every group, and its API keys and sessions end with it. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { deleteUser } from '../../../identity/scim/users.ts';
import { auditScim, ifMatchOf } from '../../scim-http.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appUsers } from './scim-context.ts';

export const scimUserDelete: Handlers<ApiPrincipal, ApiContext>['scimUserDelete'] = async ({ params, headers, principal, context }) => {
  await deleteUser(appUsers(context, principal), params.id, ifMatchOf(headers));
  await auditScim(context, principal, principal.tenantId, 'scim.user.delete', params.id);
  return { status: 204 };
};
