/**
 * Verifies a JWT from a trusted issuer (an ID token, or an access token that carries the user's
 * e-mail) and answers who it speaks for. In order, each step refusing with its own failure:
 *
 * 1. strict compact-JWS parsing (jws-compact.ts)                                  → `format`
 * 2. the unverified `iss` must be a trusted issuer (trusted-issuers.ts)           → `issuer`
 * 3. `alg` must be EdDSA, ES256 or RS256: `none`, HS256 (an HMAC keyed with a
 *    public key, RFC 8725 §2.1) and anything else are refused before any key is
 *    looked at; `kid` must name a key of that issuer usable for that alg          → `format`
 * 4. the signature: EdDSA and ES256 through the crypto core, RS256 through jose   → `format`
 * 5. `exp` (required), `nbf` and `iat` with 30 s tolerance                         → `expired`
 *    `aud` must hold an audience the issuer's tokens may carry here               → `audience`
 * 6. `sub` is required                                                            → `missing_claims`
 * The keys of a registered issuer may be unreachable (issuer-keys.ts)            → IssuerKeysUnavailable
 */
import { compactVerify, importJWK } from 'jose';
import type { CryptoCore } from '../../../core-wasm/js/index.ts';
import { epochSeconds, type Clock } from '../clock.ts';
import { parseCompactJws } from '../jws-compact.ts';
import { TokenError } from '../token-error.ts';
import { checkClaims, checkSignature } from '../tokens.ts';
import type { IssuerKeyService } from './issuer-keys.ts';
import { FEDERATED_ALGS, type VerificationKey } from './jwk.ts';
import type { TrustedIssuer, TrustedIssuerService } from './trusted-issuers.ts';

export type FederatedTokenFailure = 'format' | 'issuer' | 'audience' | 'expired' | 'missing_claims';

export class FederatedTokenError extends Error {
  override name = 'FederatedTokenError';
  constructor(
    readonly failure: FederatedTokenFailure,
    message: string,
    /** What the refusal names: the issuer, the audience, the missing claims. */
    readonly details: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface FederatedToken {
  issuer: TrustedIssuer;
  subject: string;
  claims: Record<string, unknown>;
  /** From the issuer's e-mail claim, trimmed; null when absent or not an address. */
  email: string | null;
  /** The issuer vouches for the address (`email_verified: true`, or an issuer registered as verifying all). */
  emailVerified: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAX_EMAIL_LENGTH = 320;

/** An e-mail address from a claim value, or null. */
export function emailFrom(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const email = value.trim();
  return email.length <= MAX_EMAIL_LENGTH && EMAIL.test(email) ? email : null;
}

/** `email_verified` is a boolean (OpenID Connect Core §5.1); some providers send the string "true". */
export const emailVerifiedFrom = (value: unknown) => value === true || value === 'true';

async function signatureValid(core: CryptoCore, key: VerificationKey, token: string, parsed: ReturnType<typeof parseCompactJws>): Promise<boolean> {
  if (key.alg !== 'RS256') return checkSignature(core, key, parsed);
  try {
    await compactVerify(token, await importJWK(key.jwk, 'RS256'), { algorithms: ['RS256'] });
    return true;
  } catch {
    return false;
  }
}

const audienceList = (aud: unknown): string[] =>
  typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];

export function createFederatedTokenVerifier(deps: { trustedIssuers: TrustedIssuerService; keys: IssuerKeyService; core: () => CryptoCore; clock: Clock }) {
  return async function verifyFederatedToken(token: string): Promise<FederatedToken> {
    let parsed: ReturnType<typeof parseCompactJws>;
    try {
      parsed = parseCompactJws(token);
    } catch {
      throw new FederatedTokenError('format', 'not a compact JWS');
    }
    const { header, payload } = parsed;
    const iss = typeof payload.iss === 'string' ? payload.iss : '';
    const issuer = await deps.trustedIssuers.resolve(iss);
    if (issuer === null) throw new FederatedTokenError('issuer', 'the issuer is not trusted', { issuer: iss });

    const alg = header.alg;
    if (typeof alg !== 'string' || !FEDERATED_ALGS.has(alg)) throw new FederatedTokenError('format', `alg ${String(alg)} is not accepted`);
    const kid = header.kid;
    if (typeof kid !== 'string' || kid === '') throw new FederatedTokenError('format', 'the token names no kid');
    const key = await deps.keys.find(issuer, { alg, kid });
    if (key === null) throw new FederatedTokenError('format', 'kid is not a key of the issuer for this alg');
    if (!(await signatureValid(deps.core(), key, token, parsed))) throw new FederatedTokenError('format', 'signature verification failed');

    const present = audienceList(payload.aud);
    try {
      checkClaims(payload, { issuer: iss, audience: await issuer.acceptedAudiences(present, payload), algorithms: [] }, epochSeconds(deps.clock()));
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      if (error.reason === 'expired' || error.reason === 'not_yet_valid') throw new FederatedTokenError('expired', error.message);
      if (error.reason === 'wrong_audience') throw new FederatedTokenError('audience', 'the audience is not accepted', { audience: present.join(' ') });
      throw new FederatedTokenError('format', error.message);
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new FederatedTokenError('missing_claims', 'sub is required', { missingClaims: 'sub' });
    return {
      issuer,
      subject: payload.sub,
      claims: payload,
      email: emailFrom(payload[issuer.emailClaim]),
      emailVerified: issuer.emailsVerified || emailVerifiedFrom(payload.email_verified),
    };
  };
}

export type FederatedTokenVerifier = ReturnType<typeof createFederatedTokenVerifier>;
