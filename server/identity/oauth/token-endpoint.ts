/**
 * The token endpoint (RFC 6749 §3.2), for every API: the Vault's three token endpoints and any
 * other API's token endpoint or exchange call `exchangeToken` with their own `TokenProfile`
 * (issuer, audience, scope policy), so they share the grants, refresh-token families, rotation
 * and reuse detection. Steps:
 * 1. `grant_type` is one of the registry's (grants/index.ts), and one the caller serves (else
 *    `unsupported_grant_type`, before any credential is looked at);
 * 2. the client authenticates (client-auth.ts);
 * 3. the grant's own rules (grants/<type>.ts) produce the RFC 6749 §5.1 token set, which the
 *    caller's `shape` turns into its API's reply.
 * Every answer must carry `Cache-Control: no-store` (RFC 6749 §5.1), set by the API's handler.
 */
import { authenticateClient } from './client-auth.ts';
import { unsupportedGrantType } from './errors.ts';
import type { GrantServices, TokenForm, TokenProfile, TokenSet } from './grant.ts';
import { grantOf, TOKEN_FORM_PARAMETERS } from './grants/index.ts';

export type { TokenForm, TokenProfile, TokenSet } from './grant.ts';

export interface TokenRequestInput {
  tenantId: string;
  form: TokenForm;
  basic?: { username: string; password: string } | null;
  ip: string;
  userAgent: string;
  /** The grant types this endpoint serves; every registered one by default. */
  grantTypes?: readonly string[];
}

/** The token form of a request body: the string members the registry's grants read (`TOKEN_FORM_PARAMETERS`). */
export function tokenFormOf(body: Record<string, unknown>): TokenForm {
  const form: TokenForm = { grant_type: typeof body.grant_type === 'string' ? body.grant_type : '' };
  for (const name of TOKEN_FORM_PARAMETERS) {
    if (name !== 'grant_type' && typeof body[name] === 'string') form[name] = body[name] as string;
  }
  return form;
}

export async function exchangeToken(services: GrantServices, profile: TokenProfile, input: TokenRequestInput): Promise<TokenSet>;
export async function exchangeToken<R>(services: GrantServices, profile: TokenProfile, input: TokenRequestInput, shape: (tokens: TokenSet) => R): Promise<R>;
export async function exchangeToken<R>(
  services: GrantServices,
  profile: TokenProfile,
  input: TokenRequestInput,
  shape?: (tokens: TokenSet) => R,
): Promise<TokenSet | R> {
  const { tenantId, form } = input;
  const grant = grantOf(form.grant_type);
  if (grant === null || (input.grantTypes !== undefined && !input.grantTypes.includes(grant.type))) {
    throw unsupportedGrantType(`grant_type ${JSON.stringify(form.grant_type)} is not supported`);
  }
  const { client } = await authenticateClient(services, {
    tenantId,
    credentials: { formClientId: form.client_id, formSecret: form.client_secret, basic: input.basic ?? null },
    ip: input.ip,
    realm: profile.issuer,
  });
  const tokens = await grant.handle({ services, tenantId, profile, form, ip: input.ip, userAgent: input.userAgent }, client);
  return shape === undefined ? tokens : shape(tokens);
}
