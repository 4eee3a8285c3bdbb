/**
 * The key that verifies a token of a trusted issuer (trusted-issuers.ts), by the token's `kid`:
 *
 * - the gateway's own issuers: the published signing keys (signing-keys.ts);
 * - inline keys of a registered issuer: from its record;
 * - a registered issuer's JWKS URL: through jose's remote key set, which fetches with a timeout
 *   (JWKS_TIMEOUT_MS; a hanging endpoint fails the request instead of holding it), caches the set
 *   (JWKS_CACHE_MAX_AGE_MS), shares one fetch among concurrent requests, and on an unknown `kid`
 *   fetches again only if the last fetch is at least JWKS_REFETCH_COOLDOWN_MS old, so made-up kids
 *   cannot turn the gateway into a request amplifier against the provider.
 */
import { createRemoteJWKSet, errors, type JWK, type JWTHeaderParameters } from 'jose';
import type { SigningKeyService } from '../signing-keys.ts';
import type { TrustedIssuer } from './trusted-issuers.ts';
import { verificationKeyOf, type VerificationKey } from './jwk.ts';

export const JWKS_TIMEOUT_MS = 3_000;
export const JWKS_REFETCH_COOLDOWN_MS = 60_000;
export const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
const MAX_REMOTE_SETS = 1000;

/** The issuer's keys could not be read: `timeout` when its JWKS endpoint did not answer in time. */
export class IssuerKeysUnavailable extends Error {
  override name = 'IssuerKeysUnavailable';
  constructor(readonly timeout: boolean, message: string) {
    super(message);
  }
}

export interface IssuerKeyService {
  find(issuer: TrustedIssuer, header: { alg: string; kid: string }): Promise<VerificationKey | null>;
}

export function createIssuerKeyService(deps: { signingKeys: SigningKeyService; timeoutMs?: number; cooldownMs?: number }): IssuerKeyService {
  const { signingKeys } = deps;
  const remoteSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  const remoteSet = (jwksUri: string) => {
    let set = remoteSets.get(jwksUri);
    if (set === undefined) {
      if (remoteSets.size >= MAX_REMOTE_SETS) remoteSets.clear();
      set = createRemoteJWKSet(new URL(jwksUri), {
        timeoutDuration: deps.timeoutMs ?? JWKS_TIMEOUT_MS,
        cooldownDuration: deps.cooldownMs ?? JWKS_REFETCH_COOLDOWN_MS,
        cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
      });
      remoteSets.set(jwksUri, set);
    }
    return set;
  };

  const fromSet = (keys: readonly JWK[], header: { alg: string; kid: string }) => {
    const jwk = keys.find((k) => k.kid === header.kid);
    return jwk === undefined ? null : verificationKeyOf(jwk, header.alg);
  };

  return {
    async find(issuer, header) {
      const source = issuer.keys;
      if (source.kind === 'gateway') {
        const key = await signingKeys.findKey(issuer.issuer, header.kid);
        return key === null || key.alg !== header.alg ? null : verificationKeyOf(key.jwk, header.alg);
      }
      if (source.kind === 'inline') return fromSet(source.keys, header);
      const set = remoteSet(source.jwksUri);
      try {
        // Selects by alg and kid, fetching or refetching as the header comment says.
        await set({ alg: header.alg, kid: header.kid } as JWTHeaderParameters);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys || error instanceof errors.JOSENotSupported) return null;
        if (error instanceof errors.JWKSTimeout) throw new IssuerKeysUnavailable(true, `the JWKS of ${issuer.issuer} did not answer in time`);
        throw new IssuerKeysUnavailable(false, `the JWKS of ${issuer.issuer} could not be read`);
      }
      return fromSet(set.jwks()?.keys ?? [], header);
    },
  };
}
