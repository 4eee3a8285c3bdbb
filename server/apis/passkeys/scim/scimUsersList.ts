/** GET /fido2/v2/scim/Users: RFC 7644 §3.4.2 query of the calling application's users (filter, paging, attributes). */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { listUsers } from '../../../identity/scim/users.ts';
import { SCIM_MEDIA_TYPE, listQueryOf } from '../../scim-http.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appUsers, type ScimUserList } from './scim-context.ts';

export const scimUsersList: Handlers<ApiPrincipal, ApiContext>['scimUsersList'] = async ({ query, principal, context }) => {
  const list = await listUsers(appUsers(context, principal), listQueryOf(query));
  return { status: 200, contentType: SCIM_MEDIA_TYPE, body: list as ScimUserList };
};
