/**
 * One-time codes of the Passkeys API (seed 003 auth/otp, auth/otp/email, auth/otp/sms,
 * auth/otp/verify, profile e-mail and phone verification):
 * - 6 random digits (node:crypto randomInt), stored only as a salted SHA-256 (salt: the record's
 *   id), so the store never holds a usable code;
 * - one live code per user and purpose: a new code replaces the previous one;
 * - short-lived (`expiresAt`, TTL index, and every read filters on it);
 * - single use: the code is taken by one update guarded on `usedAt: null`, so two racing
 *   verifications cannot both succeed, on any gateway instance.
 * Guessing is bounded by the callers with the core's lockout (a failed verification counts for the
 * address and the username, like a Vault login) and by the six-digit space over the lifetime.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { LoginidOtpDoc, Store } from '../../store/collections.ts';
import { constantTimeEqual, hashSecret } from '../secrets/hash.ts';

export const OTP_DIGITS = 6;
/** Sign-in and MFA codes live 5 minutes; address verification codes 15. */
export const OTP_TTL_S: Record<LoginidOtpDoc['purpose'], number> = { auth: 300, email: 900, phone: 900, mfa: 300 };

const hashOf = (id: string, code: string) => hashSecret(`${id}:${code}`);

export async function issueOtp(
  store: Store,
  input: { tenantId: string; userId: string; purpose: LoginidOtpDoc['purpose']; target: string | null },
  now = new Date(),
): Promise<{ code: string; expiresAt: Date }> {
  const code = String(randomInt(0, 10 ** OTP_DIGITS)).padStart(OTP_DIGITS, '0');
  const _id = randomUUID();
  const expiresAt = new Date(now.getTime() + OTP_TTL_S[input.purpose] * 1000);
  await store.loginidOtps.deleteMany({ tenantId: input.tenantId, userId: input.userId, purpose: input.purpose });
  await store.loginidOtps.insertOne({ _id, ...input, codeHash: hashOf(_id, code), createdAt: now, expiresAt, usedAt: null });
  return { code, expiresAt };
}

/**
 * Takes the user's live code of `purpose` when `code` is it; null when it is not (or none is live).
 * With `target`, only a code issued for that target counts (an MFA code confirms its own flow).
 */
export async function useOtp(
  store: Store,
  input: { tenantId: string; userId: string; purpose: LoginidOtpDoc['purpose']; code: string; target?: string },
  now = new Date(),
): Promise<LoginidOtpDoc | null> {
  const live = await store.loginidOtps
    .find({ tenantId: input.tenantId, userId: input.userId, purpose: input.purpose, ...(input.target !== undefined ? { target: input.target } : {}), usedAt: null, expiresAt: { $gt: now } })
    .limit(5)
    .toArray();
  const code = input.code.trim();
  const match = live.find((doc) => constantTimeEqual(hashOf(doc._id, code), doc.codeHash));
  if (!match) return null;
  return store.loginidOtps.findOneAndUpdate({ _id: match._id, usedAt: null, expiresAt: { $gt: now } }, { $set: { usedAt: now } }, { returnDocument: 'after' });
}
