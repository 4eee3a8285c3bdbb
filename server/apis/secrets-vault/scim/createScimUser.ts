/** POST /api/scim/v2/{tenant_id}/Users: RFC 7644 §3.3; 201 with Location and ETag, 409 `uniqueness` on a taken userName. */
import { createUser } from '../../../identity/scim/users.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { SCIM_MEDIA_TYPE, auditScim, scimUsers, selectionOf, type ScimUser } from './scim-context.ts';

export const createScimUser: VaultHandlers<'createScimUser'>['createScimUser'] = async ({ params, query, body, principal, context }) => {
  const r = await createUser(await scimUsers(context, params.tenant_id), body, selectionOf(query));
  await auditScim(context, principal, params.tenant_id, 'scim.user.create', r.body.id as string);
  return { status: 201, contentType: SCIM_MEDIA_TYPE, headers: { Location: r.location, ETag: r.etag }, body: r.body as ScimUser };
};
