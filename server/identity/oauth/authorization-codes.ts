/**
 * Authorization codes (RFC 6749 §4.1.2, §10.5):
 * - random (256 bits), stored only as their SHA-256, valid 60 seconds;
 * - bound to the client, the exact redirect_uri, the PKCE challenge, the nonce, the scope, the
 *   user and the session;
 * - single use: the first redemption marks the code used in one guarded update (no transaction),
 *   so of two racing redemptions exactly one wins;
 * - a second redemption is a replay: the caller refuses it and revokes what the first one issued
 *   (§4.1.2: "SHOULD revoke ... all tokens previously issued based on that authorization code").
 */
import type { AuthorizationCodeDoc, Store } from '../../store/collections.ts';
import { hashSecret, randomSecret } from '../secrets/hash.ts';

export const AUTHORIZATION_CODE_TTL_SECONDS = 60;

export type NewAuthorizationCode = Omit<AuthorizationCodeDoc, '_id' | 'createdAt' | 'expiresAt' | 'usedAt'>;

export async function issueAuthorizationCode(store: Store, input: NewAuthorizationCode, now = new Date()): Promise<string> {
  const code = randomSecret(32);
  await store.authorizationCodes.insertOne({
    _id: hashSecret(code),
    ...input,
    createdAt: now,
    expiresAt: new Date(now.getTime() + AUTHORIZATION_CODE_TTL_SECONDS * 1000),
    usedAt: null,
  });
  return code;
}

export type CodeRedemption =
  | { outcome: 'redeemed'; code: AuthorizationCodeDoc }
  | { outcome: 'replayed'; code: AuthorizationCodeDoc }
  | { outcome: 'expired' | 'unknown' };

/**
 * Spends the tenant's code. An expired code is refused (and not spent, it is dead anyway); the
 * caller still checks client, redirect_uri and PKCE on a redeemed code, which stays spent if they
 * fail, so a stolen code cannot be tried twice.
 */
export async function redeemAuthorizationCode(store: Store, tenantId: string, code: string, now = new Date()): Promise<CodeRedemption> {
  const _id = hashSecret(code);
  const redeemed = await store.authorizationCodes.findOneAndUpdate(
    { _id, tenantId, usedAt: null, expiresAt: { $gt: now } },
    { $set: { usedAt: now } },
    { returnDocument: 'after' },
  );
  if (redeemed !== null) return { outcome: 'redeemed', code: redeemed };
  const existing = await store.authorizationCodes.findOne({ _id, tenantId });
  if (existing === null) return { outcome: 'unknown' };
  if (existing.usedAt !== null) return { outcome: 'replayed', code: existing };
  return { outcome: 'expired' };
}
