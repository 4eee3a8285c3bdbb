/** GET /api/scim/v2/{tenant_id}/Groups/{group_id}: RFC 7644 §3.4.1; another tenant's id is not found. */
import { getGroup } from '../../../identity/scim/groups.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { SCIM_MEDIA_TYPE, scimEndpoint, selectionOf, type ScimGroup } from './scim-context.ts';

export const getScimGroup: VaultHandlers<'getScimGroup'>['getScimGroup'] = async ({ params, query, context }) => {
  const r = await getGroup(await scimEndpoint(context, params.tenant_id), params.group_id, selectionOf(query));
  return { status: 200, contentType: SCIM_MEDIA_TYPE, headers: { ETag: r.etag }, body: r.body as ScimGroup };
};
