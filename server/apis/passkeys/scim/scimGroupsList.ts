/** GET /fido2/v2/scim/Groups: RFC 7644 §3.4.2 query of the calling application's groups (filter, paging, attributes). */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { listGroups } from '../../../identity/scim/groups.ts';
import { SCIM_MEDIA_TYPE, listQueryOf } from '../../scim-http.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appEndpoint, type ScimGroupList } from './scim-context.ts';

export const scimGroupsList: Handlers<ApiPrincipal, ApiContext>['scimGroupsList'] = async ({ query, principal, context }) => {
  const list = await listGroups(appEndpoint(context, principal), listQueryOf(query));
  return { status: 200, contentType: SCIM_MEDIA_TYPE, body: list as ScimGroupList };
};
