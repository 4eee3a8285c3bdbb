/** PATCH /api/scim/v2/{tenant_id}/Users/{user_id}: RFC 7644 §3.5.2 PatchOp, conditional on If-Match when given. */
import { patchUser } from '../../../identity/scim/users.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { SCIM_MEDIA_TYPE, auditScim, ifMatchOf, scimUsers, selectionOf, type ScimUser } from './scim-context.ts';

export const patchScimUser: VaultHandlers<'patchScimUser'>['patchScimUser'] = async ({ params, query, headers, body, principal, context }) => {
  const r = await patchUser(await scimUsers(context, params.tenant_id), params.user_id, body, ifMatchOf(headers), selectionOf(query));
  await auditScim(context, principal, params.tenant_id, 'scim.user.patch', params.user_id);
  return { status: 200, contentType: SCIM_MEDIA_TYPE, headers: { ETag: r.etag }, body: r.body as ScimUser };
};
