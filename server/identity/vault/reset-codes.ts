/**
 * One-time password-reset codes (Request Reset Password, Reset Password Code; ARCHITECTURE.md,
 * Security baseline: "one-time codes single-use and short-lived").
 *
 * - 6 decimal digits (the seed's example "482913"), valid 15 minutes, one live code per user:
 *   issuing a new one kills the previous ones.
 * - Stored only as SHA-256(record id ":" code). Six digits are few, so the hash is not what
 *   protects them (secrets/hash.ts): the short life, single use, and at most 5 wrong tries per
 *   code (then it dies) are; the salt only keeps equal codes from having equal hashes.
 * - Reset Password Code names no tenant, so a code is looked up by the username's key across
 *   tenants and then matched by hash in constant time; spending it is one guarded update.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { ResetCodeDoc, Store } from '../../store/collections.ts';
import { constantTimeEqual, hashSecret } from '../secrets/hash.ts';

export const RESET_CODE_TTL_SECONDS = 15 * 60;
export const RESET_CODE_MAX_ATTEMPTS = 5;
export const RESET_CODE_DIGITS = 6;

const codeHash = (id: string, code: string) => hashSecret(`${id}:${code}`);

export async function issueResetCode(store: Store, input: { tenantId: string; userId: string; usernameKey: string }, now = new Date()): Promise<string> {
  await store.resetCodes.deleteMany({ tenantId: input.tenantId, userId: input.userId });
  const code = String(randomInt(0, 10 ** RESET_CODE_DIGITS)).padStart(RESET_CODE_DIGITS, '0');
  const _id = randomUUID();
  const doc: ResetCodeDoc = {
    _id,
    tenantId: input.tenantId,
    userId: input.userId,
    usernameKey: input.usernameKey,
    codeHash: codeHash(_id, code),
    attempts: 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + RESET_CODE_TTL_SECONDS * 1000),
    usedAt: null,
  };
  await store.resetCodes.insertOne(doc);
  return code;
}

export type RedeemResult =
  | { ok: true; tenantId: string; userId: string }
  /** `tenantIds`: the tenants whose live codes for this username the wrong code was tried against. */
  | { ok: false; tenantIds: string[] };

/** Spends the code if it is a live code of a user with this username key. */
export async function redeemResetCode(store: Store, usernameKey: string, code: string, now = new Date()): Promise<RedeemResult> {
  const live = { usernameKey, usedAt: null, expiresAt: { $gt: now }, attempts: { $lt: RESET_CODE_MAX_ATTEMPTS } };
  const candidates = await store.resetCodes.find(live).limit(20).toArray();
  // Compare against every candidate (no early exit), so the time does not say which one matched.
  let match: ResetCodeDoc | null = null;
  for (const c of candidates) if (constantTimeEqual(codeHash(c._id, code), c.codeHash) && match === null) match = c;
  if (match !== null) {
    const spent = await store.resetCodes.findOneAndUpdate({ _id: match._id, ...live }, { $set: { usedAt: now } }, { returnDocument: 'after' });
    if (spent !== null) return { ok: true, tenantId: spent.tenantId, userId: spent.userId };
  }
  if (candidates.length > 0) await store.resetCodes.updateMany({ _id: { $in: candidates.map((c) => c._id) } }, { $inc: { attempts: 1 } });
  return { ok: false, tenantIds: [...new Set(candidates.map((c) => c.tenantId))] };
}
