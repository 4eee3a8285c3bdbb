/**
 * Federation: tokens of other issuers (and of the gateway's own, seen from outside) that the
 * gateway accepts in exchange for its own tokens. API-neutral: an API maps the failures
 * (FederatedTokenError, IssuerKeysUnavailable) to its own error shape.
 */
import type { CryptoCore } from '../../../core-wasm/js/index.ts';
import type { Store } from '../../store/collections.ts';
import type { ClientService } from '../clients.ts';
import type { TenantService } from '../tenants.ts';
import type { Clock } from '../clock.ts';
import type { SigningKeyService } from '../signing-keys.ts';
import { createIssuerKeyService } from './issuer-keys.ts';
import { createTrustedIssuerService, type TrustedIssuerService } from './trusted-issuers.ts';
import { createFederatedTokenVerifier, type FederatedTokenVerifier } from './verify-federated-token.ts';

export interface FederationService {
  trustedIssuers: TrustedIssuerService;
  verify: FederatedTokenVerifier;
}

export function createFederationService(deps: {
  store: Store;
  tenants: Pick<TenantService, 'get'>;
  clients: ClientService;
  signingKeys: SigningKeyService;
  core: () => CryptoCore;
  clock: Clock;
  publicUrl: string;
  /** JWKS fetch timeout (default issuer-keys.ts JWKS_TIMEOUT_MS). */
  jwksTimeoutMs?: number;
}): FederationService {
  const trustedIssuers = createTrustedIssuerService(deps);
  const keys = createIssuerKeyService({ signingKeys: deps.signingKeys, timeoutMs: deps.jwksTimeoutMs });
  return { trustedIssuers, verify: createFederatedTokenVerifier({ trustedIssuers, keys, core: deps.core, clock: deps.clock }) };
}

export { FederatedTokenError, type FederatedToken, type FederatedTokenFailure } from './verify-federated-token.ts';
export { IssuerKeysUnavailable } from './issuer-keys.ts';
export { withUserinfoEmail } from './userinfo.ts';
export type { TrustedIssuerInput, GatewayAccount } from './trusted-issuers.ts';
