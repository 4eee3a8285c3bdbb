/** PUT /api/scim/v2/{tenant_id}/Users/{user_id}: RFC 7644 §3.5.1 replacement, conditional on If-Match when given. */
import { replaceUser } from '../../../identity/scim/users.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { SCIM_MEDIA_TYPE, auditScim, ifMatchOf, scimUsers, selectionOf, type ScimUser } from './scim-context.ts';

export const replaceScimUser: VaultHandlers<'replaceScimUser'>['replaceScimUser'] = async ({ params, query, headers, body, principal, context }) => {
  const r = await replaceUser(await scimUsers(context, params.tenant_id), params.user_id, body, ifMatchOf(headers), selectionOf(query));
  await auditScim(context, principal, params.tenant_id, 'scim.user.replace', params.user_id);
  return { status: 200, contentType: SCIM_MEDIA_TYPE, headers: { ETag: r.etag }, body: r.body as ScimUser };
};
