/**
 * What a grant of the token endpoint is (RFC 6749 §4, §6), and what every grant is given: the
 * API's token profile (issuer, audience, scope policy), the form and the authenticated client.
 * The grants themselves are in grants/, one file per grant type, listed by grants/index.ts.
 */
import type { ClientDoc, SigningAlg, Store } from '../../store/collections.ts';
import type { AuditService } from '../audit.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { TokenService } from '../tokens.ts';
import type { UserService } from '../users.ts';

/** The RFC 6749 §5.1 token response; each API renames its members at its edge (`shape`). */
export interface TokenSet {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  id_token?: string;
  refresh_token?: string;
  scope?: string;
}

/**
 * The form of a token request: `grant_type`, client authentication, `scope` (RFC 6749 §4.4.2, §6)
 * and each grant's own parameters (grants/index.ts `TOKEN_FORM_PARAMETERS`).
 */
export type TokenForm = { grant_type: string } & Partial<Record<string, string>>;

/** Which scopes a client may be granted: the API's rule (the Vault's is vault/client-scopes.ts). */
export interface ScopePolicy {
  /** What a client of `tenantId` listing `allowedScopes` may be granted in a user grant (code, refresh). */
  userGrantable(tenantId: string, allowedScopes: readonly string[]): string[];
  /** What it may be granted for itself (client_credentials): no user-delegated scopes. */
  clientGrantable(tenantId: string, allowedScopes: readonly string[]): string[];
}

/** What makes one API's tokens its own: every API's token endpoint or exchange passes one. */
export interface TokenProfile {
  /** `iss` of every token (the tenant's issuer); also the HTTP Basic realm of client authentication. */
  issuer: string;
  /** The API the access tokens are for: `aud` holds it and the client id (RFC 9068 §3). */
  audience: string;
  scopes: ScopePolicy;
  /** Access token lifetime; 900 s by default (access-tokens.ts). */
  accessTokenTtlSeconds?: number;
  /**
   * The algorithm of every token the profile issues, access and ID tokens alike, for an API whose
   * issuer publishes keys of one algorithm only (the Passkeys API's JWKS has ES256 keys). Unset:
   * access tokens EdDSA, ID tokens the client's `signingAlg`.
   */
  signingAlg?: SigningAlg;
  /**
   * Refresh tokens stored without an issuer (before tokens were bound to one) are redeemed at this
   * profile's token endpoint: only the Vault's, which issued every one of them. Any other profile
   * refuses them, so they cannot cross to another API's endpoint for the same tenant and client id.
   */
  redeemsUnboundRefreshTokens?: boolean;
}

/**
 * The parts of the identity core the grants use. Written out rather than taken from IdentityCore,
 * whose client service reads the grant registry: the registry and its grants never import it back.
 */
export interface GrantServices {
  store: Store;
  identity: {
    clients: { get(tenantId: string, clientId: string): Promise<ClientDoc | null> };
    users: Pick<UserService, 'get'>;
    tokens: Pick<TokenService, 'issue'>;
    audit: Pick<AuditService, 'record'>;
    rateLimiter: Pick<RateLimiter, 'hit'>;
  };
}

export interface GrantContext {
  services: GrantServices;
  tenantId: string;
  profile: TokenProfile;
  form: TokenForm;
  ip: string;
  userAgent: string;
}

export interface Grant {
  /** The `grant_type` value (RFC 6749 §4.1.3, §4.4.2, §6). */
  type: string;
  /** The form parameters the grant reads, beside `grant_type`, client authentication and `scope`. */
  parameters: readonly string[];
  /** RFC 6749 §4.4: client_credentials "MUST only be used by confidential clients". */
  confidentialOnly: boolean;
  handle(ctx: GrantContext, client: ClientDoc): Promise<TokenSet>;
}
