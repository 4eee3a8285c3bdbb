/** GET /fido2/v2/scim/Schemas: RFC 7644 §4 / RFC 7643 §7, the User attributes this API keeps and the Group schema. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { components } from '../../../../generated/passkeys/schema.ts';
import { schemasList } from '../../../identity/scim/discovery.ts';
import { PASSKEYS_USER_ATTRIBUTES } from '../../../identity/scim/passkeys/user-resource.ts';
import { SCIM_MEDIA_TYPE } from '../../scim-http.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

export const scimSchemasList: Handlers<ApiPrincipal, ApiContext>['scimSchemasList'] = async () => ({
  status: 200,
  contentType: SCIM_MEDIA_TYPE,
  body: schemasList(PASSKEYS_USER_ATTRIBUTES) as components['schemas']['ScimSchemaListResponse'],
});
