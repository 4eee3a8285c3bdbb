/**
 * The relying-party side of an upstream OpenID provider, on openid-client (a certified RP library,
 * rather than hand-written checks): discovery, the authorization URL with PKCE S256, `state` and
 * `nonce` (OpenID Connect Core 1.0 §3.1.2, RFC 7636), and the code exchange with ID token
 * validation (Core §3.1.3.7: `iss` equal to the discovered issuer, `aud`, signature against the
 * provider's JWKS, `exp`, `nonce`) and, when the provider sends one, the RFC 9207 `iss` parameter.
 *
 * API-neutral: any API that logs users in through another provider passes the provider in.
 * Discovered configurations are cached per process for `CONFIG_TTL_MS`.
 */
import * as oidc from 'openid-client';
import { issuers } from '../issuers.ts';

export interface UpstreamProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** the ID token algorithm the client was registered with (`id_token_signed_response_alg`) */
  idTokenAlg: string;
}

export interface UpstreamIdentity {
  issuer: string;
  sub: string;
  /** the ID token's claims, then whatever the userinfo endpoint added */
  claims: Record<string, unknown>;
}

/** What a provider is asked for when the operator names no scopes. */
export const DEFAULT_UPSTREAM_SCOPES = ['openid', 'email', 'profile'];

/** The scopes to request: the operator's (deduplicated) or the defaults, always with `openid` (Core §3.1.2.1). */
export function upstreamScopes(scopes: readonly string[] | undefined): string[] {
  const out = scopes?.length ? [...new Set(scopes)] : [...DEFAULT_UPSTREAM_SCOPES];
  if (!out.includes('openid')) out.unshift('openid');
  return out;
}

/**
 * The gateway's own Vault tenant as an upstream provider, through a confidential client the
 * bootstrap made (bootstrap.ts). The Vault signs ID tokens with the client's `sing_alg`, EdDSA
 * for the bootstrap clients.
 */
export function ownVaultProvider(publicUrl: string, client: { tenantId: string; clientId: string; clientSecret: string }, scopes = DEFAULT_UPSTREAM_SCOPES): UpstreamProvider {
  return { issuer: issuers.vault(publicUrl, client.tenantId), clientId: client.clientId, clientSecret: client.clientSecret, scopes, idTokenAlg: 'EdDSA' };
}

const CONFIG_TTL_MS = 5 * 60_000;
const configs = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

function configFor(provider: UpstreamProvider): Promise<oidc.Configuration> {
  const key = JSON.stringify([provider.issuer, provider.clientId, provider.clientSecret, provider.idTokenAlg]);
  const hit = configs.get(key);
  if (hit && Date.now() - hit.at < CONFIG_TTL_MS) return hit.config;
  const insecure = provider.issuer.startsWith('http:');
  const config = oidc.discovery(
    new URL(provider.issuer),
    provider.clientId,
    { id_token_signed_response_alg: provider.idTokenAlg },
    oidc.ClientSecretPost(provider.clientSecret),
    insecure ? { execute: [oidc.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
  );
  configs.set(key, { at: Date.now(), config });
  // a failed discovery is not cached: the next login tries again
  config.catch(() => configs.delete(key));
  return config;
}

export function newPkceVerifier(): string {
  return oidc.randomPKCECodeVerifier();
}

export async function authorizationUrl(
  provider: UpstreamProvider,
  params: { redirectUri: string; state: string; nonce: string; verifier: string; prompt?: string },
): Promise<URL> {
  const config = await configFor(provider);
  return oidc.buildAuthorizationUrl(config, {
    redirect_uri: params.redirectUri,
    scope: provider.scopes.join(' '),
    state: params.state,
    nonce: params.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(params.verifier),
    code_challenge_method: 'S256',
    ...(params.prompt ? { prompt: params.prompt } : {}),
  });
}

/**
 * Exchanges the code of `callbackUrl` (the redirect URI with the provider's query) and validates
 * the ID token; throws (openid-client's errors) on any mismatch.
 */
export async function exchangeCode(
  provider: UpstreamProvider,
  callbackUrl: URL,
  checks: { verifier: string; state: string; nonce: string },
): Promise<UpstreamIdentity> {
  const config = await configFor(provider);
  const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: checks.verifier,
    expectedState: checks.state,
    expectedNonce: checks.nonce,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims();
  if (!idClaims) throw new Error('the provider sent no ID token');
  let extra: Record<string, unknown> = {};
  if (config.serverMetadata().userinfo_endpoint) {
    // Core §5.3.2: the userinfo `sub` must equal the ID token's.
    extra = { ...(await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub)) };
  }
  return { issuer: config.serverMetadata().issuer, sub: idClaims.sub, claims: { ...idClaims, ...extra } };
}
