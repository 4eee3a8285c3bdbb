/** POST /fido2/v2/scim/Groups: RFC 7644 §3.3; members must be users of the calling application; 409 `uniqueness` on a taken displayName. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { createGroup } from '../../../identity/scim/groups.ts';
import { SCIM_MEDIA_TYPE, auditScim, selectionOf } from '../../scim-http.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appEndpoint, type ScimGroup } from './scim-context.ts';

export const scimGroupCreate: Handlers<ApiPrincipal, ApiContext>['scimGroupCreate'] = async ({ query, body, principal, context }) => {
  const r = await createGroup(appEndpoint(context, principal), body, selectionOf(query));
  await auditScim(context, principal, principal.tenantId, 'scim.group.create', r.body.id as string);
  return { status: 201, contentType: SCIM_MEDIA_TYPE, headers: { Location: r.location, ETag: r.etag }, body: r.body as ScimGroup };
};
