/** GET /fido2/v2/scim/Groups/{id}: RFC 7644 §3.4.1; another application's id is not found. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { getGroup } from '../../../identity/scim/groups.ts';
import { SCIM_MEDIA_TYPE, selectionOf } from '../../scim-http.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appEndpoint, type ScimGroup } from './scim-context.ts';

export const scimGroupGet: Handlers<ApiPrincipal, ApiContext>['scimGroupGet'] = async ({ params, query, principal, context }) => {
  const r = await getGroup(appEndpoint(context, principal), params.id, selectionOf(query));
  return { status: 200, contentType: SCIM_MEDIA_TYPE, headers: { ETag: r.etag }, body: r.body as ScimGroup };
};
