/** PUT /api/scim/v2/{tenant_id}/Groups/{group_id}: RFC 7644 §3.5.1 replacement, conditional on If-Match when given. */
import { replaceGroup } from '../../../identity/scim/groups.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { SCIM_MEDIA_TYPE, auditScim, ifMatchOf, scimEndpoint, selectionOf, type ScimGroup } from './scim-context.ts';

export const replaceScimGroup: VaultHandlers<'replaceScimGroup'>['replaceScimGroup'] = async ({ params, query, headers, body, principal, context }) => {
  const r = await replaceGroup(await scimEndpoint(context, params.tenant_id), params.group_id, body, ifMatchOf(headers), selectionOf(query));
  await auditScim(context, principal, params.tenant_id, 'scim.group.replace', params.group_id);
  return { status: 200, contentType: SCIM_MEDIA_TYPE, headers: { ETag: r.etag }, body: r.body as ScimGroup };
};
