/**
 * The one implementation behind the Vault's three token endpoints (seed-inventory §5 item 4):
 * Token Exchange (tenant in the form), the tenant's token endpoint and the Standard one. Steps:
 * 1. `grant_type` is one of `authorization_code`, `refresh_token`, `client_credentials`
 *    (else `unsupported_grant_type`, before any credential is looked at);
 * 2. the client authenticates (client-auth.ts);
 * 3. the grant's own rules (grant-*.ts) produce the token response.
 * Every answer carries `Cache-Control: no-store` (RFC 6749 §5.1), set by the handlers.
 */
import type { components } from '../../../generated/secrets-vault/schema.ts';
import type { GatewayServices } from '../../services.ts';
import { issuers } from '../../issuers.ts';
import { authenticateClient } from './client-auth.ts';
import { authorizationCodeGrant } from './grant-authorization-code.ts';
import { clientCredentialsGrant } from './grant-client-credentials.ts';
import { refreshTokenGrant } from './grant-refresh-token.ts';
import { unsupportedGrantType } from './oauth-errors.ts';

export type TokenResponse = components['schemas']['TokenResponse'] & { scope?: string };

/** The form fields of all three endpoints; `scope` is RFC 6749's (§4.4.2, §6), beyond the spec's schema. */
export interface TokenForm {
  grant_type: string;
  client_id?: string;
  client_secret?: string;
  code?: string;
  redirect_uri?: string;
  code_verifier?: string;
  refresh_token?: string;
  scope?: string;
}

export interface TokenRequestInput {
  tenantId: string;
  form: TokenForm;
  basic?: { username: string; password: string } | null;
  ip: string;
  userAgent: string;
}

export type GrantContext = {
  services: GatewayServices;
  tenantId: string;
  issuer: string;
  form: TokenForm;
  ip: string;
  userAgent: string;
};

const GRANTS = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
} as const;

const isGrantType = (value: string): value is keyof typeof GRANTS => Object.hasOwn(GRANTS, value);

export async function exchangeToken(services: GatewayServices, input: TokenRequestInput): Promise<TokenResponse> {
  const { tenantId, form } = input;
  const grantType = form.grant_type;
  if (!isGrantType(grantType)) throw unsupportedGrantType(`grant_type ${JSON.stringify(grantType)} is not supported`);
  const issuer = issuers.vault(services.config.publicUrl, tenantId);
  const { client } = await authenticateClient(services, {
    tenantId,
    credentials: { formClientId: form.client_id, formSecret: form.client_secret, basic: input.basic ?? null },
    ip: input.ip,
    realm: issuer,
  });
  return GRANTS[grantType]({ services, tenantId, issuer, form, ip: input.ip, userAgent: input.userAgent }, client);
}
