/** The Passkeys (LoginID FIDO2 v2) API (seed 003) at /fido2/v2. */
import { operationTable, serverUrl } from '../../../generated/passkeys/operations.ts';
import type { ApiDefinition } from '../../http/mount-api.ts';
import { oauthError, passkeysError, passkeysScimError } from '../../http/error-shapes.ts';
import type { GatewayServices } from '../../services.ts';
import { bearerJwt } from '../../security/bearer-jwt.ts';
import { audiences, issuers } from '../../issuers.ts';
import { handlers } from './handlers.ts';
import { loginidApiKey, loginidJwt, mfaSessionPrincipal } from './security.ts';

export function passkeysApi(spec: object): ApiDefinition<GatewayServices> {
  const session = bearerJwt({
    scheme: 'sessionAuth_header_Authorization',
    kind: 'passkeys_session',
    header: 'authorization',
    issuer: (s) => issuers.passkeys(s.config.publicUrl),
    audience: (s) => audiences.passkeysSession(s.config.publicUrl),
  });
  return {
    name: 'passkeys',
    spec,
    serverUrl,
    table: operationTable,
    handlers,
    security: {
      apiKey_header_Authorization: loginidApiKey('apiKey_header_Authorization'),
      jwt_header_Authorization: loginidJwt('jwt_header_Authorization'),
      // The MFA and ceremony sessions travel raw in Authorization; a value with an auth scheme is not one.
      sessionAuth_header_Authorization: async (req, services) => {
        const value = req.get('authorization');
        if (!value || /^(Bearer|Basic)\s/i.test(value)) return null;
        return (await mfaSessionPrincipal(services, 'sessionAuth_header_Authorization', value)) ?? session(req, services);
      },
    },
    // The MFA token endpoint answers RFC 6749 §5.2 errors, as OAuth clients expect.
    errorFormatter: (op) => (op?.path.startsWith('/scim/') ? passkeysScimError : op?.path === '/mfa/token' ? oauthError : passkeysError),
  };
}
