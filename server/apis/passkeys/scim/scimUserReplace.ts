/** PUT /fido2/v2/scim/Users/{id}: RFC 7644 §3.5.1 replacement, conditional on If-Match when given. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { replaceUser } from '../../../identity/scim/users.ts';
import { SCIM_MEDIA_TYPE, auditScim, ifMatchOf, selectionOf } from '../../scim-http.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appUsers, type ScimUser } from './scim-context.ts';

export const scimUserReplace: Handlers<ApiPrincipal, ApiContext>['scimUserReplace'] = async ({ params, query, headers, body, principal, context }) => {
  const r = await replaceUser(appUsers(context, principal), params.id, body, ifMatchOf(headers), selectionOf(query));
  await auditScim(context, principal, principal.tenantId, 'scim.user.replace', params.id);
  return { status: 200, contentType: SCIM_MEDIA_TYPE, headers: { ETag: r.etag }, body: r.body as ScimUser };
};
