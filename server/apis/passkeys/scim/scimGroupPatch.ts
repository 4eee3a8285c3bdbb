/** PATCH /fido2/v2/scim/Groups/{id}: RFC 7644 §3.5.2 PatchOp (`Operations`, or `operations` as LoginID sends it), conditional on If-Match when given. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { patchGroup } from '../../../identity/scim/groups.ts';
import { SCIM_MEDIA_TYPE, auditScim, ifMatchOf, selectionOf } from '../../scim-http.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appEndpoint, type ScimGroup } from './scim-context.ts';

export const scimGroupPatch: Handlers<ApiPrincipal, ApiContext>['scimGroupPatch'] = async ({ params, query, headers, body, principal, context }) => {
  const r = await patchGroup(appEndpoint(context, principal), params.id, body, ifMatchOf(headers), selectionOf(query));
  await auditScim(context, principal, principal.tenantId, 'scim.group.patch', params.id);
  return { status: 200, contentType: SCIM_MEDIA_TYPE, headers: { ETag: r.etag }, body: r.body as ScimGroup };
};
