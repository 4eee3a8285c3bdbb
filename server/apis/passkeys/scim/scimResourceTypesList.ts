/** GET /fido2/v2/scim/ResourceTypes: RFC 7644 §4 / RFC 7643 §6, User and Group. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { components } from '../../../../generated/passkeys/schema.ts';
import { resourceTypesList } from '../../../identity/scim/discovery.ts';
import { SCIM_MEDIA_TYPE } from '../../scim-http.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { scimBaseUrl } from './scim-context.ts';

export const scimResourceTypesList: Handlers<ApiPrincipal, ApiContext>['scimResourceTypesList'] = async ({ context }) => ({
  status: 200,
  contentType: SCIM_MEDIA_TYPE,
  body: resourceTypesList(scimBaseUrl(context)) as components['schemas']['ScimResourceTypeListResponse'],
});
