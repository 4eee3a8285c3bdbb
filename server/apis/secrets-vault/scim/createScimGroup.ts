/** POST /api/scim/v2/{tenant_id}/Groups: RFC 7644 §3.3; members must be users of the tenant; 409 `uniqueness` on a taken displayName. */
import { createGroup } from '../../../identity/scim/groups.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { SCIM_MEDIA_TYPE, auditScim, scimEndpoint, selectionOf, type ScimGroup } from './scim-context.ts';

export const createScimGroup: VaultHandlers<'createScimGroup'>['createScimGroup'] = async ({ params, query, body, principal, context }) => {
  const r = await createGroup(await scimEndpoint(context, params.tenant_id), body, selectionOf(query));
  await auditScim(context, principal, params.tenant_id, 'scim.group.create', r.body.id as string);
  return { status: 201, contentType: SCIM_MEDIA_TYPE, headers: { Location: r.location, ETag: r.etag }, body: r.body as ScimGroup };
};
