/** GET /api/scim/v2/{tenant_id}/Users/{user_id}: RFC 7644 §3.4.1; another tenant's id is not found. */
import { getUser } from '../../../identity/scim/users.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { SCIM_MEDIA_TYPE, scimUsers, selectionOf, type ScimUser } from './scim-context.ts';

export const getScimUser: VaultHandlers<'getScimUser'>['getScimUser'] = async ({ params, query, context }) => {
  const r = await getUser(await scimUsers(context, params.tenant_id), params.user_id, selectionOf(query));
  return { status: 200, contentType: SCIM_MEDIA_TYPE, headers: { ETag: r.etag }, body: r.body as ScimUser };
};
