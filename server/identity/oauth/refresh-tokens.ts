/**
 * Refresh tokens (RFC 6749 §6, §10.4; OAuth 2.0 Security BCP, RFC 9700 §4.14.2):
 * - opaque random values (256 bits), stored only as their SHA-256;
 * - bound to the issuer (the API's token profile), client, user, session and scope; never outlive
 *   the session. The issuer binding keeps one API's refresh token from being redeemed at another
 *   API's token endpoint for the same tenant and client id;
 * - rotated on every use: the presented token is marked rotated in one guarded update and a
 *   successor in the same family is issued, so of two racing uses exactly one wins;
 * - presenting a rotated token again is reuse, the sign of a stolen token: the whole family is
 *   revoked and the session ends (which revokes the session's other refresh tokens too).
 * All state changes are single-document guarded updates or one `updateMany`; no transactions.
 */
import type { RefreshTokenDoc, Store } from '../../store/collections.ts';
import { hashSecret, randomSecret } from '../secrets/hash.ts';
import { endSession } from '../sessions.ts';

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

export type NewRefreshToken = Omit<RefreshTokenDoc, '_id' | 'createdAt' | 'expiresAt' | 'rotatedAt' | 'revokedAt' | 'revokedReason'>;

export async function issueRefreshToken(store: Store, input: NewRefreshToken, sessionExpiresAt: Date, now = new Date()): Promise<string> {
  const token = randomSecret(32);
  const ttlEnd = now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000;
  await store.refreshTokens.insertOne({
    _id: hashSecret(token),
    ...input,
    createdAt: now,
    expiresAt: new Date(Math.min(ttlEnd, sessionExpiresAt.getTime())),
    rotatedAt: null,
    revokedAt: null,
    revokedReason: null,
  });
  return token;
}

export type RefreshUse =
  | { outcome: 'rotated'; token: RefreshTokenDoc }
  | { outcome: 'reused'; token: RefreshTokenDoc }
  | { outcome: 'invalid' };

/**
 * Marks the client's token of `issuer` rotated; on reuse, revokes its family and ends its session.
 * A token stored without an issuer predates the binding and is the Vault's: `null` matches it.
 */
export async function useRefreshToken(store: Store, tenantId: string, clientId: string, issuer: string, token: string, now = new Date()): Promise<RefreshUse> {
  const _id = hashSecret(token);
  const ours = { _id, tenantId, clientId, issuer: { $in: [issuer, null] } };
  const rotated = await store.refreshTokens.findOneAndUpdate(
    { ...ours, rotatedAt: null, revokedAt: null, expiresAt: { $gt: now } },
    { $set: { rotatedAt: now } },
    { returnDocument: 'after' },
  );
  if (rotated !== null) return { outcome: 'rotated', token: rotated };
  // Another client's or another issuer's token is "invalid", never "reuse": a client cannot revoke
  // someone else's family.
  const existing = await store.refreshTokens.findOne(ours);
  if (existing === null || existing.rotatedAt === null) return { outcome: 'invalid' };
  await revokeFamily(store, tenantId, existing.familyId, 'refresh_token_reuse', now);
  await endSession(store, tenantId, existing.sessionId, 'refresh_token_reuse', now);
  return { outcome: 'reused', token: existing };
}

export async function revokeFamily(store: Store, tenantId: string, familyId: string, reason: string, now = new Date()): Promise<number> {
  const result = await store.refreshTokens.updateMany({ tenantId, familyId, revokedAt: null }, { $set: { revokedAt: now, revokedReason: reason } });
  return result.modifiedCount;
}
