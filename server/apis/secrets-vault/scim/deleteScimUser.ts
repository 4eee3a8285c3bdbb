/**
 * DELETE /api/scim/v2/{tenant_id}/Users/{user_id}: RFC 7644 §3.6, 204 without a body (the seed
 * renders this operation as a second "Get Scim User" with 200; inventory §5 item 6). The user
 * leaves every group, and its API keys and sessions end with it.
 */
import { deleteUser } from '../../../identity/scim/users.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditScim, ifMatchOf, scimUsers } from './scim-context.ts';

export const deleteScimUser: VaultHandlers<'deleteScimUser'>['deleteScimUser'] = async ({ params, headers, principal, context }) => {
  await deleteUser(await scimUsers(context, params.tenant_id), params.user_id, ifMatchOf(headers));
  await auditScim(context, principal, params.tenant_id, 'scim.user.delete', params.user_id);
  return { status: 204 };
};
