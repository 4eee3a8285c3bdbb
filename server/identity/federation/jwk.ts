/**
 * Public keys of other issuers, as JWKs (RFC 7517), matched to the algorithm a token names:
 * EdDSA needs an OKP Ed25519 key (RFC 8037), ES256 an EC P-256 key, RS256 an RSA key of at least
 * 2048 bits (RFC 7518 §3.3). A key whose own `alg` or `use` says otherwise is not used, so an
 * attacker cannot make a key serve an algorithm it was not published for (RFC 8725 §3.1).
 */
import type { JWK } from 'jose';
import { IdentityError } from '../errors.ts';

export type FederatedAlg = 'EdDSA' | 'ES256' | 'RS256';
export const FEDERATED_ALGS: ReadonlySet<string> = new Set<FederatedAlg>(['EdDSA', 'ES256', 'RS256']);

export interface VerificationKey {
  alg: FederatedAlg;
  jwk: JWK;
  /** Raw public key for the crypto core (Ed25519 32 bytes, P-256 SEC1 uncompressed); null for RSA. */
  raw: Uint8Array | null;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.from(value, 'base64url') : Buffer.alloc(0));

/** The key as a verification key for `alg`, or null when it cannot serve that algorithm. */
export function verificationKeyOf(jwk: JWK, alg: string): VerificationKey | null {
  if (!FEDERATED_ALGS.has(alg)) return null;
  if (jwk.alg !== undefined && jwk.alg !== alg) return null;
  if (jwk.use !== undefined && jwk.use !== 'sig') return null;
  if (alg === 'EdDSA' && jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    const x = bytes(jwk.x);
    return x.length === 32 ? { alg, jwk, raw: x } : null;
  }
  if (alg === 'ES256' && jwk.kty === 'EC' && jwk.crv === 'P-256') {
    const x = bytes(jwk.x);
    const y = bytes(jwk.y);
    return x.length === 32 && y.length === 32 ? { alg, jwk, raw: Buffer.concat([Buffer.from([4]), x, y]) } : null;
  }
  if (alg === 'RS256' && jwk.kty === 'RSA') {
    return bytes(jwk.n).length >= 256 && bytes(jwk.e).length > 0 ? { alg, jwk, raw: null } : null;
  }
  return null;
}

/** Refuses what an operator must not register as a trusted key: private keys, unknown types, no `kid`. */
export function checkPublicJwk(jwk: unknown, what: string): void {
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) throw new IdentityError('request.invalid', `${what} must be a JWK object`);
  const key = jwk as JWK;
  if (PRIVATE_MEMBERS.some((m) => m in key)) throw new IdentityError('request.invalid', `${what} must be a public key (no private members)`);
  if (typeof key.kid !== 'string' || key.kid === '') throw new IdentityError('request.invalid', `${what} needs a kid`);
  const usable = ['EdDSA', 'ES256', 'RS256'].some((alg) => verificationKeyOf(key, alg) !== null);
  if (!usable) throw new IdentityError('request.invalid', `${what} must be an Ed25519 (OKP), P-256 (EC) or RSA (≥ 2048 bits) signature key`);
}
