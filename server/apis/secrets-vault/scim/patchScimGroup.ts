/** PATCH /api/scim/v2/{tenant_id}/Groups/{group_id}: RFC 7644 §3.5.2 PatchOp (members add/remove/replace), conditional on If-Match. */
import { patchGroup } from '../../../identity/scim/groups.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { SCIM_MEDIA_TYPE, auditScim, ifMatchOf, scimEndpoint, selectionOf, type ScimGroup } from './scim-context.ts';

export const patchScimGroup: VaultHandlers<'patchScimGroup'>['patchScimGroup'] = async ({ params, query, headers, body, principal, context }) => {
  const r = await patchGroup(await scimEndpoint(context, params.tenant_id), params.group_id, body, ifMatchOf(headers), selectionOf(query));
  await auditScim(context, principal, params.tenant_id, 'scim.group.patch', params.group_id);
  return { status: 200, contentType: SCIM_MEDIA_TYPE, headers: { ETag: r.etag }, body: r.body as ScimGroup };
};
