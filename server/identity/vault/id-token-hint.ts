/**
 * Verifying an `id_token_hint` (OpenID Connect RP-Initiated Logout 1.0 §2):
 * - it must be an ID token of one of our Vault issuers, signed by a key that issuer publishes,
 *   with the header `alg` equal to the key's; EdDSA and ES256 signatures are checked by the crypto
 *   core, RS256 (for clients whose `sing_alg` is RS256) by node:crypto;
 * - an EXPIRED hint is accepted: §2 says the OP "SHOULD accept ID Tokens ... even if expired";
 *   the hint names a session to end, it grants nothing;
 * - `aud` must name a single client and `sid` the session.
 */
import { createPublicKey, verify as rsaVerify } from 'node:crypto';
import type { GatewayServices } from '../../services.ts';
import { issuers, vaultTenantOf } from '../../issuers.ts';
import { parseCompactJws } from '../jws-compact.ts';

export interface VerifiedHint {
  tenantId: string;
  clientId: string;
  userId: string;
  sessionId: string | null;
}

/** The hint's tenant, client, user and session, or null when it is not a valid ID token of ours. */
export async function verifyIdTokenHint(services: Pick<GatewayServices, 'identity' | 'crypto' | 'config'>, hint: string): Promise<VerifiedHint | null> {
  let parsed;
  try {
    parsed = parseCompactJws(hint);
  } catch {
    return null;
  }
  const { header, payload } = parsed;
  const tenantId = vaultTenantOf(services.config.publicUrl, typeof payload.iss === 'string' ? payload.iss : undefined);
  if (tenantId === null || typeof header.kid !== 'string' || typeof header.alg !== 'string') return null;
  const issuer = issuers.vault(services.config.publicUrl, tenantId);
  if (payload.iss !== issuer) return null;
  const key = await services.identity.signingKeys.findKey(issuer, header.kid);
  if (key === null || key.alg !== header.alg) return null;

  let valid = false;
  if (key.alg === 'EdDSA' && key.raw !== null) valid = services.crypto.current().ed25519Verify(key.raw, parsed.signingInput, parsed.signature);
  else if (key.alg === 'ES256' && key.raw !== null) valid = parsed.signature.length === 64 && services.crypto.current().p256Verify(key.raw, parsed.signingInput, parsed.signature, 'raw');
  else if (key.alg === 'RS256') valid = rsaVerify('sha256', parsed.signingInput, createPublicKey({ key: key.jwk as never, format: 'jwk' }), parsed.signature);
  if (!valid) return null;

  const aud = Array.isArray(payload.aud) && payload.aud.length === 1 ? payload.aud[0] : payload.aud;
  if (typeof aud !== 'string' || typeof payload.sub !== 'string') return null;
  return { tenantId, clientId: aud, userId: payload.sub, sessionId: typeof payload.sid === 'string' ? payload.sid : null };
}
