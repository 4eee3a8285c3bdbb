/** GET /fido2/v2/scim/Users/{id}: RFC 7644 §3.4.1; another application's id is not found. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { getUser } from '../../../identity/scim/users.ts';
import { SCIM_MEDIA_TYPE, selectionOf } from '../../scim-http.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appUsers, type ScimUser } from './scim-context.ts';

export const scimUserGet: Handlers<ApiPrincipal, ApiContext>['scimUserGet'] = async ({ params, query, principal, context }) => {
  const r = await getUser(appUsers(context, principal), params.id, selectionOf(query));
  return { status: 200, contentType: SCIM_MEDIA_TYPE, headers: { ETag: r.etag }, body: r.body as ScimUser };
};
