/**
 * The e-mail address of a federated user from the issuer's userinfo endpoint (OpenID Connect Core
 * §5.3), read with the access token the caller holds when the ID token itself does not carry it.
 * The answer counts only if its `sub` equals the ID token's (Core §5.3.2: otherwise it may be
 * another user's). A slow or failing endpoint adds nothing rather than failing the exchange: the
 * caller then meets the usual "missing claims" refusal.
 */
import type { FederatedToken } from './verify-federated-token.ts';
import { emailFrom, emailVerifiedFrom } from './verify-federated-token.ts';

export const USERINFO_TIMEOUT_MS = 3_000;
const MAX_USERINFO_BYTES = 64 * 1024;

export async function withUserinfoEmail(token: FederatedToken, accessToken: string | null | undefined, timeoutMs = USERINFO_TIMEOUT_MS): Promise<FederatedToken> {
  const url = token.issuer.userinfoUrl;
  if (url === null || !accessToken || (token.email !== null && token.emailVerified)) return token;
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return token;
    const text = await res.text();
    if (text.length > MAX_USERINFO_BYTES) return token;
    const info = JSON.parse(text) as Record<string, unknown>;
    if (info === null || typeof info !== 'object' || info.sub !== token.subject) return token;
    const email = emailFrom(info[token.issuer.emailClaim]);
    if (email === null) return token;
    const verified = token.issuer.emailsVerified || emailVerifiedFrom(info.email_verified);
    // The ID token's own address stays unless userinfo vouches for one.
    if (token.email !== null && !verified) return token;
    return { ...token, email, emailVerified: verified };
  } catch {
    return token;
  }
}
