/**
 * The identity core shared by the four APIs, assembled from its services. The HTTP layer builds
 * it once at start-up and hands it to every API's handlers.
 */
import type { Logger } from 'pino';
import type { CryptoCore } from '../../core-wasm/js/index.ts';
import type { Store } from '../store/collections.ts';
import { createApiKeyService, type ApiKeyService } from './api-keys.ts';
import { createAuditService, type AuditService } from './audit.ts';
import { createBootstrap, type BootstrapService } from './bootstrap.ts';
import { createClientService, type ClientService } from './clients.ts';
import { systemClock, type Clock } from './clock.ts';
import { createOutbox, type MailTransport, type OutboxService } from './outbox.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { createSignalHub, type SignalHub } from './signals.ts';
import { createSealer, type Sealer } from './secrets/seal.ts';
import { createSigningKeyService, type SigningKeyService } from './signing-keys.ts';
import { createTenantService, type TenantService } from './tenants.ts';
import { createTokenService, type TokenService } from './tokens.ts';
import { createUserService, type UserService } from './users.ts';
import { createFederationService, type FederationService } from './federation/index.ts';

export interface IdentityCoreOptions {
  store: Store;
  /** The current crypto core; a function so that the hot-swap holder can change it under us. */
  core: () => CryptoCore;
  /** 32 bytes (secrets/master-key.ts `loadMasterKey`). */
  masterKey: Uint8Array;
  /** PUBLIC_URL: base of every issuer and redirect URI. */
  publicUrl: string;
  logger?: Logger;
  clock?: Clock;
  /** SMTP_URL / SMTP_FROM: e-mail delivery for the outbox. */
  smtpUrl?: string;
  smtpFrom?: string;
  mailTransport?: MailTransport;
  auditRetentionDays?: number;
  /** How long signing keys and key sets stay cached in-process (default 30 s). */
  signingKeyCacheTtlMs?: number;
  /** How long tenant and client records are served from memory before their version is checked (cached-records.ts; 0 disables). */
  recordCacheTtlMs?: number;
  /** Verified-token cache entries (default 10,000; 0 disables). */
  tokenCacheSize?: number;
  /** Timeout of a trusted issuer's JWKS fetch (default federation/issuer-keys.ts JWKS_TIMEOUT_MS). */
  jwksTimeoutMs?: number;
  /** Poll period of the signal hub while long polls wait (default 100 ms). */
  signalPollMs?: number;
}

export interface IdentityCore {
  publicUrl: string;
  /** the core's notion of now (injectable: tests move it) */
  clock: Clock;
  sealer: Sealer;
  tenants: TenantService;
  users: UserService;
  apiKeys: ApiKeyService;
  clients: ClientService;
  signingKeys: SigningKeyService;
  tokens: TokenService;
  /** Tokens of trusted issuers, exchanged for the gateway's own. */
  federation: FederationService;
  audit: AuditService;
  rateLimiter: RateLimiter;
  outbox: OutboxService;
  bootstrap: BootstrapService;
  signals: SignalHub;
}

export function createIdentityCore(options: IdentityCoreOptions): IdentityCore {
  const { store, core, logger } = options;
  const clock = options.clock ?? systemClock;
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const sealer = createSealer(options.masterKey);
  const tenants = createTenantService(store, clock, options.recordCacheTtlMs);
  const apiKeys = createApiKeyService(store, clock);
  const clients = createClientService(store, clock, options.recordCacheTtlMs);
  const signingKeys = createSigningKeyService({ store, sealer, clock, logger, cacheTtlMs: options.signingKeyCacheTtlMs });
  return {
    publicUrl,
    clock,
    sealer,
    tenants,
    users: createUserService(store, clock),
    apiKeys,
    clients,
    signingKeys,
    tokens: createTokenService({ signingKeys, core, clock, cacheSize: options.tokenCacheSize }),
    federation: createFederationService({ store, tenants, clients, signingKeys, core, clock, publicUrl, jwksTimeoutMs: options.jwksTimeoutMs }),
    audit: createAuditService({ store, clock, logger, retentionDays: options.auditRetentionDays }),
    rateLimiter: createRateLimiter(store, clock),
    outbox: createOutbox({ store, clock, logger, smtpUrl: options.smtpUrl, from: options.smtpFrom, transport: options.mailTransport }),
    bootstrap: createBootstrap({ store, tenants, apiKeys, clients, sealer, clock, publicUrl, logger }),
    signals: createSignalHub({ store, clock, logger, pollMs: options.signalPollMs }),
  };
}

export { IdentityError, isDuplicateKeyError } from './errors.ts';
export { TokenError, type TokenErrorReason, type VerifyOptions, type VerifiedToken, type IssuedToken } from './tokens.ts';
export { hasScope, keyAllows, apiKeyIdOf, ALL_SCOPES, type ApiKeyPrincipal } from './api-keys.ts';
export { loadMasterKey, type MasterKey } from './secrets/master-key.ts';
export { hashSecret, verifySecretHash, constantTimeEqual, randomSecret } from './secrets/hash.ts';
export { usernameKey } from './users.ts';
export { DEFAULT_TENANT_ID, DIRECTORY_CLIENT_ID, DEMO_CLIENT_ID, PASSKEYS_OIDC_CLIENT_ID, type BootstrapStatus, type BootstrapResult } from './bootstrap.ts';
export type { Clock } from './clock.ts';
