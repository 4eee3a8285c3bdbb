/** GET /api/scim/v2/{tenant_id}/Groups: RFC 7644 §3.4.2 query of the tenant's groups (filter, paging, attributes). */
import { listGroups } from '../../../identity/scim/groups.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { SCIM_MEDIA_TYPE, listQueryOf, scimEndpoint, type ScimGroupList } from './scim-context.ts';

export const listScimGroup: VaultHandlers<'listScimGroup'>['listScimGroup'] = async ({ params, query, context }) => {
  const list = await listGroups(await scimEndpoint(context, params.tenant_id), listQueryOf(query));
  return { status: 200, contentType: SCIM_MEDIA_TYPE, body: list as ScimGroupList };
};
