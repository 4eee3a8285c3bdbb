/** The Secrets Vault API (seed 002) at /api: its operations, security schemes and error shapes. */
import { operationTable, serverUrl } from '../../../generated/secrets-vault/operations.ts';
import type { ApiDefinition } from '../../http/mount-api.ts';
import { oauthError, scimError, vaultError } from '../../http/error-shapes.ts';
import type { GatewayServices } from '../../services.ts';
import { headerApiKey } from '../../security/api-key.ts';
import { bearerJwt } from '../../security/bearer-jwt.ts';
import { audiences, issuers, vaultTenantOf } from '../../issuers.ts';
import { handlers } from './handlers.ts';
import { findActiveSessionWithUser } from '../../identity/sessions.ts';
import { vaultScopes } from './scopes.ts';

export function vaultApi(spec: object): ApiDefinition<GatewayServices> {
  return {
    name: 'secrets-vault',
    spec,
    serverUrl,
    table: operationTable,
    handlers,
    requiredScopes: vaultScopes,
    platformOperations: (id) => id === 'createTenant',
    security: {
      APIKeyHeader: headerApiKey('APIKeyHeader', 'X-API-Key'),
      HTTPBearer: bearerJwt({
        scheme: 'HTTPBearer',
        kind: 'access_token',
        issuer: (s, claimed) => {
          const tenant = vaultTenantOf(s.config.publicUrl, claimed);
          return tenant ? issuers.vault(s.config.publicUrl, tenant) : null;
        },
        audience: (s) => audiences.vaultApi(s.config.publicUrl),
        sessionActive: async (s, tenantId, sid) => (await findActiveSessionWithUser(s.store, tenantId, sid)) ?? false,
      }),
      // client_secret_basic is checked by the token endpoint itself (RFC 6749 §2.3.1), which
      // needs the client record; here the scheme only has to be recognised.
      ClientSecretBasic: async () => null,
    },
    tenantExists: (s, tenantId) => s.identity.tenants.exists(tenantId),
    errorFormatter: (op) => {
      if (op?.path.startsWith('/scim/')) return scimError;
      if (op?.operationId === 'tokenExchangeStandard') return oauthError;
      return vaultError;
    },
  };
}
