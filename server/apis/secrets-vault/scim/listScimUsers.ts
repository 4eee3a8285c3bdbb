/** GET /api/scim/v2/{tenant_id}/Users: RFC 7644 §3.4.2 query of the tenant's users (filter, paging, attributes). */
import { listUsers } from '../../../identity/scim/users.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { SCIM_MEDIA_TYPE, listQueryOf, scimUsers, type ScimUserList } from './scim-context.ts';

export const listScimUsers: VaultHandlers<'listScimUsers'>['listScimUsers'] = async ({ params, query, context }) => {
  const list = await listUsers(await scimUsers(context, params.tenant_id), listQueryOf(query));
  return { status: 200, contentType: SCIM_MEDIA_TYPE, body: list as ScimUserList };
};
