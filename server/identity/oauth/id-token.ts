/**
 * ID tokens (OpenID Connect Core 1.0 §2, §3.1.3.6):
 * - signed with the client's `sing_alg` (EdDSA by default, RS256 when the client asks for it), or
 *   the token profile's algorithm when it names one (grant.ts `TokenProfile.signingAlg`);
 * - `aud` = the client id; `nonce` copied from the authorization request (omitted on refresh,
 *   Core §12.2); `auth_time` of the login; `sid` the session (Front-/Back-Channel Logout);
 * - `amr` (Core §2, RFC 8176): how the person proved who they are in this session (identity/amr.ts);
 * - `at_hash` = base64url of the left half of the hash of the access token, the hash being the
 *   one of the signing algorithm: SHA-256 for RS256 and ES256, SHA-512 for EdDSA over Ed25519 (Core §3.1.3.6
 *   and the OpenID errata for EdDSA);
 * - `preferred_username` always, `email` and `email_verified` when the user has an address, and
 *   `name` when the user has a display name (OpenID Connect Core §5.1).
 */
import { createHash } from 'node:crypto';
import type { SigningAlg, UserDoc, ClientDoc } from '../../store/collections.ts';
import { epochSeconds } from '../clock.ts';
import type { GrantServices } from './grant.ts';

export const ID_TOKEN_TTL_SECONDS = 3600;

export function accessTokenHash(accessToken: string, alg: SigningAlg): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

export async function issueIdToken(
  services: Pick<GrantServices, 'identity'>,
  input: {
    issuer: string;
    client: ClientDoc;
    user: UserDoc;
    sessionId: string;
    amr: readonly string[];
    authTime: Date;
    nonce: string | null;
    accessToken: string;
    /** The token profile's algorithm, when it names one; else the client's. */
    alg?: SigningAlg;
  },
): Promise<string> {
  const { client, user } = input;
  const alg = input.alg ?? client.signingAlg;
  const claims: Record<string, unknown> = {
    auth_time: epochSeconds(input.authTime),
    sid: input.sessionId,
    ...(input.amr.length > 0 ? { amr: [...input.amr] } : {}),
    at_hash: accessTokenHash(input.accessToken, alg),
    preferred_username: user.username,
    ...(user.email ? { email: user.email, email_verified: user.emailVerified } : {}),
    ...(user.displayName ? { name: user.displayName } : {}),
    ...(input.nonce !== null ? { nonce: input.nonce } : {}),
  };
  const issued = await services.identity.tokens.issue({
    issuer: input.issuer,
    audience: client.clientId,
    subject: user._id,
    alg,
    ttlSeconds: ID_TOKEN_TTL_SECONDS,
    claims,
  });
  return issued.token;
}
