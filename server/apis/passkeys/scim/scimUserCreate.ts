/** POST /fido2/v2/scim/Users: RFC 7644 §3.3 in the calling application; 201 with Location and ETag, 409 `uniqueness` on a taken userName. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { createUser } from '../../../identity/scim/users.ts';
import { SCIM_MEDIA_TYPE, auditScim, selectionOf } from '../../scim-http.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appUsers, type ScimUser } from './scim-context.ts';

export const scimUserCreate: Handlers<ApiPrincipal, ApiContext>['scimUserCreate'] = async ({ query, body, principal, context }) => {
  const r = await createUser(appUsers(context, principal), body, selectionOf(query));
  await auditScim(context, principal, principal.tenantId, 'scim.user.create', r.body.id as string);
  return { status: 201, contentType: SCIM_MEDIA_TYPE, headers: { Location: r.location, ETag: r.etag }, body: r.body as ScimUser };
};
