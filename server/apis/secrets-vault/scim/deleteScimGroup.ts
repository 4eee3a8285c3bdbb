/** DELETE /api/scim/v2/{tenant_id}/Groups/{group_id}: RFC 7644 §3.6, 204 without a body (the seed's second "Get Scim Group"). */
import { deleteGroup } from '../../../identity/scim/groups.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditScim, ifMatchOf, scimEndpoint } from './scim-context.ts';

export const deleteScimGroup: VaultHandlers<'deleteScimGroup'>['deleteScimGroup'] = async ({ params, headers, principal, context }) => {
  await deleteGroup(await scimEndpoint(context, params.tenant_id), params.group_id, ifMatchOf(headers));
  await auditScim(context, principal, params.tenant_id, 'scim.group.delete', params.group_id);
  return { status: 204 };
};
