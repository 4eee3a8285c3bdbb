/** GET /fido2/v2/scim/ServiceProviderConfig: RFC 7644 §4 / RFC 7643 §5, what this SCIM service supports. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { serviceProviderConfig } from '../../../identity/scim/discovery.ts';
import { SCIM_MEDIA_TYPE } from '../../scim-http.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

export const scimServiceProviderConfigGet: Handlers<ApiPrincipal, ApiContext>['scimServiceProviderConfigGet'] = async () => ({
  status: 200,
  contentType: SCIM_MEDIA_TYPE,
  body: serviceProviderConfig([
    {
      type: 'httpbasic',
      name: 'Application API key',
      description: 'The application\'s API key as the HTTP Basic user name (empty password); profile:read to read, profile:write to change',
      specUri: 'https://www.rfc-editor.org/rfc/rfc7617',
    },
  ]),
});
