/**
 * The one token service of the gateway: every API issues its JWTs here, under its own names and
 * claims, and every bearer token is verified here.
 *
 * Issuing: jose `SignJWT` with the issuer's active key (signing-keys.ts), header `kid` and `typ`
 * (`at+jwt` for access tokens, RFC 9068 §2.1), registered claims set by the service.
 *
 * Verifying (RFC 8725, JWT best current practices):
 * 1. parse the compact JWS strictly (jws-compact.ts);
 * 2. the header `alg` must be in the caller's allow-list, which can only hold EdDSA and ES256: `none`,
 *    HS256 (the "public key as HMAC secret" confusion, RFC 8725 §2.1) and RS256 are refused before any
 *    key is looked at; optionally the `typ` must match (explicit typing, RFC 8725 §3.11);
 * 3. `kid` must name a published key OF THE EXPECTED ISSUER whose algorithm equals the header's;
 * 4. the signature is checked through the crypto core (EdDSA with the raw 32-byte key, ES256 with
 *    the raw r||s signature of RFC 7518 §3.4 and the SEC1 uncompressed point);
 * 5. `exp` (required), `nbf`, `iat`, `iss`, `aud` and any required claims, with a clock tolerance.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { CryptoCore } from '../../core-wasm/js/index.ts';
import type { SigningAlg } from '../store/collections.ts';
import { epochSeconds, type Clock } from './clock.ts';
import { parseCompactJws, type ParsedJws } from './jws-compact.ts';
import type { PublishedKey, SigningKeyService } from './signing-keys.ts';
import { TokenError } from './token-error.ts';
import { VerifiedTokenCache } from './verified-token-cache.ts';

export { TokenError, type TokenErrorReason } from './token-error.ts';

/** The algorithms the gateway verifies itself; all go through the crypto core. */
export type VerifiableAlg = 'EdDSA' | 'ES256';
const VERIFIABLE: ReadonlySet<string> = new Set<VerifiableAlg>(['EdDSA', 'ES256']);

export interface IssueInput {
  issuer: string;
  audience: string | string[];
  subject?: string;
  alg?: SigningAlg;
  ttlSeconds: number;
  /** Extra claims; the registered ones (iss, aud, sub, iat, exp, jti, nbf) are set by the service. */
  claims?: Record<string, unknown>;
  /** JOSE `typ`: `at+jwt` for RFC 9068 access tokens; default `JWT`. */
  typ?: string;
  /** Seconds from now before which the token is not valid (`nbf`); default none. */
  notBeforeSeconds?: number;
}

export interface IssuedToken {
  token: string;
  jti: string;
  kid: string;
  issuedAt: Date;
  expiresAt: Date;
}

export interface VerifyOptions {
  issuer: string;
  /** The token's `aud` must contain one of these. */
  audience: string | string[];
  algorithms: VerifiableAlg[];
  /** Default 30 s. */
  clockToleranceSeconds?: number;
  requireClaims?: string[];
  /** Required JOSE `typ` (compared case-insensitively, with or without `application/`, RFC 7515 §4.1.9). */
  typ?: string;
}

export interface VerifiedToken {
  header: Record<string, unknown>;
  payload: JWTPayload & Record<string, unknown>;
  kid: string;
  alg: VerifiableAlg;
}

export interface TokenService {
  issue(input: IssueInput): Promise<IssuedToken>;
  verify(token: string, options: VerifyOptions): Promise<VerifiedToken>;
  /** Number of cached verified tokens (for metrics). */
  readonly cacheSize: number;
}

const normalizeTyp = (typ: string) => typ.toLowerCase().replace(/^application\//, '');

/** EdDSA and ES256 through the crypto core; false for any other algorithm (RSA is not the core's). */
export function checkSignature(core: CryptoCore, key: Pick<PublishedKey, 'alg' | 'raw'>, parsed: ParsedJws): boolean {
  if (key.raw === null) return false;
  if (key.alg === 'EdDSA') return core.ed25519Verify(key.raw, parsed.signingInput, parsed.signature);
  // JWS ES256 signatures are the fixed 64-byte r||s form, never DER (RFC 7518 §3.4).
  if (key.alg === 'ES256') return parsed.signature.length === 64 && core.p256Verify(key.raw, parsed.signingInput, parsed.signature, 'raw');
  return false;
}

function numericClaim(payload: Record<string, unknown>, name: string): number | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TokenError('malformed', `${name} is not a NumericDate`);
  return value;
}

/** RFC 7519 §4.1 registered claims: `exp` required, `nbf`, `iat` not in the future, `iss`, `aud`, then the required claims. */
export function checkClaims(payload: Record<string, unknown>, options: VerifyOptions, nowSeconds: number): void {
  const tolerance = options.clockToleranceSeconds ?? 30;
  const exp = numericClaim(payload, 'exp');
  if (exp === undefined) throw new TokenError('missing_claim', 'exp is required');
  // RFC 7519 §4.1.4: the current time must be before exp.
  if (nowSeconds - tolerance >= exp) throw new TokenError('expired', 'token expired');
  const nbf = numericClaim(payload, 'nbf');
  if (nbf !== undefined && nowSeconds + tolerance < nbf) throw new TokenError('not_yet_valid', 'token not valid yet');
  const iat = numericClaim(payload, 'iat');
  if (iat !== undefined && nowSeconds + tolerance < iat) throw new TokenError('not_yet_valid', 'token issued in the future');
  if (payload.iss !== options.issuer) throw new TokenError('wrong_issuer', 'unexpected issuer');
  const expected = Array.isArray(options.audience) ? options.audience : [options.audience];
  const aud = payload.aud;
  const present = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  if (!present.some((a) => expected.includes(a))) throw new TokenError('wrong_audience', 'unexpected audience');
  for (const claim of options.requireClaims ?? []) {
    if (payload[claim] === undefined) throw new TokenError('missing_claim', `${claim} is required`);
  }
}

export function createTokenService(options: {
  signingKeys: SigningKeyService;
  core: () => CryptoCore;
  clock: Clock;
  /** Verified-token cache entries; 0 disables the cache. Default 10,000. */
  cacheSize?: number;
}): TokenService {
  const { signingKeys, core, clock } = options;
  const cache = new VerifiedTokenCache(options.cacheSize ?? 10_000);

  return {
    async issue({ issuer, audience, subject, alg = 'EdDSA', ttlSeconds, claims = {}, typ = 'JWT', notBeforeSeconds }) {
      if (!(ttlSeconds > 0)) throw new RangeError('ttlSeconds must be positive');
      const key = await signingKeys.activeKey(issuer, alg);
      const issuedAt = clock();
      const iat = epochSeconds(issuedAt);
      const exp = iat + Math.ceil(ttlSeconds);
      const jti = randomUUID();
      const jwt = new SignJWT({ ...claims })
        .setProtectedHeader({ alg, kid: key.kid, typ })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(jti);
      if (subject !== undefined) jwt.setSubject(subject);
      if (notBeforeSeconds !== undefined) jwt.setNotBefore(iat + notBeforeSeconds);
      const token = await jwt.sign(key.privateKey);
      return { token, jti, kid: key.kid, issuedAt, expiresAt: new Date(exp * 1000) };
    },

    async verify(token, verifyOptions) {
      const now = clock();
      const cacheKey = typeof token === 'string' ? VerifiedTokenCache.keyOf(token) : '';
      const hit = cache.get(cacheKey, now.getTime());
      const parsed = hit?.parsed ?? parseCompactJws(token);
      const { header, payload } = parsed;

      const alg = header.alg;
      if (typeof alg !== 'string' || !VERIFIABLE.has(alg) || !(verifyOptions.algorithms as string[]).includes(alg)) {
        throw new TokenError('alg_not_allowed', `alg ${String(alg)} is not allowed`);
      }
      if (verifyOptions.typ !== undefined && (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== normalizeTyp(verifyOptions.typ))) {
        throw new TokenError('wrong_type', 'unexpected typ');
      }
      const kid = header.kid;
      if (typeof kid !== 'string' || kid === '') throw new TokenError('unknown_kid', 'kid is required');
      const key = await signingKeys.findKey(verifyOptions.issuer, kid);
      if (key === null || key.alg !== alg) throw new TokenError('unknown_kid', 'kid is not a published key of this issuer for this alg');

      if (hit === undefined) {
        if (!checkSignature(core(), key, parsed)) throw new TokenError('bad_signature', 'signature verification failed');
      }
      checkClaims(payload, verifyOptions, epochSeconds(now));
      if (hit === undefined) cache.set(cacheKey, { parsed, expiresAtMs: (payload.exp as number) * 1000 });
      return { header, payload: payload as VerifiedToken['payload'], kid, alg: alg as VerifiableAlg };
    },

    get cacheSize() {
      return cache.size;
    },
  };
}
