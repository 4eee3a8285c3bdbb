/**
 * The JWTs of the Passkeys API, issued by the one token service (identity/tokens.ts) under the API's
 * issuer (`<PUBLIC_URL>/fido2/v2`) with ES256 keys from the core's rotating key set, so
 * `/fido2/v2/.well-known/jwks.json` verifies them (seed 003: ES256, `kid`, `key_ops: verify`).
 *
 * - Access tokens (`jwtAccess` of a login, a registration, a code, a confirmed transaction, and
 *   `mgmt/grant` tokens): audience the API, `tid` the application, `sub` the user, `username`
 *   (LoginID's web SDK reads `sub`, `username` and `exp`), `scope` the grants.
 * - Ceremony sessions (the opaque `session` of reg/init, auth/init, tx/init): audience
 *   `<issuer>#session`, `sub` the ceremony's challenge, `tid`, the core's pending-ceremony session
 *   (webauthn/ceremonies.ts) and what this API adds to it (a new user's username type, the
 *   device). Signed, so nothing in them can be changed; single use, because the core's ceremony
 *   answers once. MFA's `sessionAuth` scheme accepts them, so client-events know the application.
 */
import type { TokenService, VerifiedToken } from '../tokens.ts';
import { TokenError } from '../token-error.ts';
import { audiences, issuers } from '../../issuers.ts';

/** What a signed-in user may do on its own account (the grants of a login's token). */
export const SELF_GRANTS = ['passkey:read', 'passkey:write', 'reg:write', 'auth:write'] as const;
/** The grant name that stands for SELF_GRANTS (LoginID's web SDK may ask mgmt/grant for it). */
export const SELF_WRITE = 'self:write';

export const ACCESS_TOKEN_TTL_S = 3600;
export const GRANT_TOKEN_TTL_S = 300;
export const SESSION_TTL_S = 120;

export function expandGrants(grants: readonly string[]): string[] {
  const out = new Set<string>();
  for (const g of grants) {
    if (g === SELF_WRITE) SELF_GRANTS.forEach((s) => out.add(s));
    else out.add(g);
  }
  return [...out];
}

export interface AccessTokenInput {
  publicUrl: string;
  tenantId: string;
  userId: string;
  username: string;
  grants: readonly string[];
  ttlSeconds?: number;
  /** Extra claims: `did` device, `pid` passkey, `txHash`/`txId` of a confirmed transaction, `ext` ... */
  claims?: Record<string, unknown>;
}

export async function issueAccessToken(tokens: TokenService, input: AccessTokenInput): Promise<string> {
  const issued = await tokens.issue({
    issuer: issuers.passkeys(input.publicUrl),
    audience: audiences.passkeysApi(input.publicUrl),
    subject: input.userId,
    alg: 'ES256',
    ttlSeconds: input.ttlSeconds ?? ACCESS_TOKEN_TTL_S,
    claims: { tid: input.tenantId, username: input.username, scope: expandGrants(input.grants).join(' '), ...input.claims },
  });
  return issued.token;
}

/** Verifies an access token of this API (for mgmt/token/verify); throws TokenError. */
export async function verifyAccessToken(tokens: TokenService, publicUrl: string, token: string): Promise<VerifiedToken> {
  return tokens.verify(token, {
    issuer: issuers.passkeys(publicUrl),
    audience: audiences.passkeysApi(publicUrl),
    algorithms: ['ES256'],
    requireClaims: ['sub', 'tid'],
  });
}

export type CeremonyPurpose = 'reg' | 'auth' | 'tx';

export interface CeremonySession {
  purpose: CeremonyPurpose;
  tenantId: string;
  /** The challenge (base64url) of the ceremony. */
  challenge: string;
  /** The core's pending-ceremony session (webauthn/ceremonies.ts). */
  ceremonySession: string;
  /** The user: known for a registration (chosen in advance for a new one), a transaction, a login by username of an existing user. */
  userId: string | null;
  /** A registration that creates its user carries the user's names. */
  newUser?: { username: string; displayName: string; usernameType: string } | null;
  deviceId: string | null;
}

export async function issueSession(tokens: TokenService, publicUrl: string, s: CeremonySession): Promise<string> {
  const issued = await tokens.issue({
    issuer: issuers.passkeys(publicUrl),
    audience: audiences.passkeysSession(publicUrl),
    subject: s.challenge,
    alg: 'ES256',
    ttlSeconds: SESSION_TTL_S,
    claims: {
      tid: s.tenantId,
      pur: s.purpose,
      cs: s.ceremonySession,
      uid: s.userId,
      ...(s.newUser ? { nu: s.newUser } : {}),
      did: s.deviceId,
    },
  });
  return issued.token;
}

/** The ceremony a session names, when it verifies and is for `purpose`; null otherwise. */
export async function readSession(tokens: TokenService, publicUrl: string, session: string, purpose: CeremonyPurpose): Promise<CeremonySession | null> {
  let verified: VerifiedToken;
  try {
    verified = await tokens.verify(session, {
      issuer: issuers.passkeys(publicUrl),
      audience: audiences.passkeysSession(publicUrl),
      algorithms: ['ES256'],
      requireClaims: ['sub', 'tid', 'pur', 'cs'],
    });
  } catch (e) {
    if (e instanceof TokenError) return null;
    throw e;
  }
  const c = verified.payload;
  if (c.pur !== purpose) return null;
  const nu = c.nu as CeremonySession['newUser'] | undefined;
  return {
    purpose,
    tenantId: String(c.tid),
    challenge: String(c.sub),
    ceremonySession: String(c.cs),
    userId: typeof c.uid === 'string' ? c.uid : null,
    newUser: nu ?? null,
    deviceId: typeof c.did === 'string' ? c.did : null,
  };
}
