/** GET /api/oidc/{tenant_id}/.well-known/openid-configuration: OpenID Connect Discovery 1.0 §3 metadata of the tenant's issuer. */
import { notFound } from '../../../http/errors.ts';
import { issuers } from '../../../issuers.ts';
import { ACCOUNT_SCOPE } from '../../../identity/vault/account-scope.ts';
import { GRANT_TYPES } from '../../../identity/oauth/grants/index.ts';
import type { VaultHandlers } from '../handler-types.ts';

/** `account` too: relying parties the tenant allows to manage accounts ask for it (account-scope.ts). */
export const SUPPORTED_SCOPES = ['openid', 'email', 'profile', 'offline_access', ACCOUNT_SCOPE];

export const getOpenIdConfiguration: VaultHandlers<'getOpenIdConfiguration'>['getOpenIdConfiguration'] = async ({ params, context }) => {
  const { services } = context;
  const tenant = await services.identity.tenants.get(params.tenant_id);
  if (tenant === null) throw notFound('Tenant not found');
  const publicUrl = services.config.publicUrl;
  const issuer = issuers.vault(publicUrl, tenant._id);
  return {
    status: 200,
    body: {
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      // The Standard endpoint: the one that takes client_secret_basic and answers RFC 6749 errors.
      token_endpoint: `${issuer}/token/standard`,
      userinfo_endpoint: `${issuer}/userinfo`,
      jwks_uri: `${issuer}/.well-known/jwks`,
      // The spec's logout path has no tenant: the id_token_hint's issuer names it.
      end_session_endpoint: `${publicUrl}/api/oidc/logout`,
      scopes_supported: SUPPORTED_SCOPES,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: [...GRANT_TYPES],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['EdDSA', 'RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      code_challenge_methods_supported: ['S256'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'amr', 'nonce', 'sid', 'at_hash', 'email', 'email_verified', 'preferred_username', 'name', 'locale', 'updated_at'],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
      // RFC 9207: authorization responses carry `iss`, so clients can detect mix-up attacks.
      authorization_response_iss_parameter_supported: true,
    } as never,
  };
};
