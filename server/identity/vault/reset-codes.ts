/**
 * One-time password-reset codes (Request Reset Password, Reset Password Code; docs/architecture.md,
 * Security baseline: "one-time codes single-use and short-lived").
 *
 * A code names its own record: `SSSS-SSSS-DDDDDD`, a random selector of 8 Crockford base32
 * characters (40 bits) and 6 random decimal digits (the seed's example "482913" is the digits).
 *
 * The tenant rule. Reset Password Code names no tenant (the spec's request carries only the code,
 * the username and the new commitment), so the code carries it: the selector is the record's id,
 * and the record holds the tenant the reset was requested in (Request Reset Password names it with
 * tenant_id and client_id). Redemption finds the one live record with this selector AND this
 * username and acts only in that record's tenant, on that record's user. A code, right or wrong,
 * touches no other record: a stranger who knows a username but not the e-mailed selector can
 * neither use up the tries of that user's codes (in any tenant, this one included) nor crowd them
 * out. (Before, codes were found by username across all tenants, every wrong code was charged to
 * each of them, and only the first 20 were compared, so 20 codes for the same username in other
 * tenants hid the right one.)
 *
 * - Only SHA-256(selector ":" digits) is stored. Six digits are few, so the hash is not what
 *   protects them (secrets/hash.ts): the short life (15 minutes), single use, one live code per
 *   user, and at most 5 tries per code are. A try is taken with one guarded update BEFORE the
 *   comparison, so parallel guesses against one code get 5 tries in all, not 5 each.
 * - Codes are read as people type them: any case, with or without hyphens and spaces, and with
 *   Crockford's look-alikes (O for 0, I and L for 1).
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { ResetCodeDoc, Store } from '../../store/collections.ts';
import { isDuplicateKeyError } from '../errors.ts';
import { constantTimeEqual, hashSecret } from '../secrets/hash.ts';

export const RESET_CODE_TTL_SECONDS = 15 * 60;
export const RESET_CODE_MAX_ATTEMPTS = 5;
export const RESET_CODE_DIGITS = 6;
export const RESET_CODE_SELECTOR_LENGTH = 8;

/** Crockford's base32 alphabet: no I, L, O, U, so what people misread maps back (parseResetCode). */
const SELECTOR_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const codeHash = (selector: string, digits: string) => hashSecret(`${selector}:${digits}`);

function randomSelector(): string {
  // 32 divides 256, so `byte & 31` is uniform over the alphabet.
  return Array.from(randomBytes(RESET_CODE_SELECTOR_LENGTH), (b) => SELECTOR_ALPHABET[b & 31]).join('');
}

/** The code as e-mailed: `SSSS-SSSS-DDDDDD`. */
export function formatResetCode(selector: string, digits: string): string {
  return `${selector.slice(0, 4)}-${selector.slice(4)}-${digits}`;
}

/** The selector and digits of a code as typed, or null when it cannot be a code. */
export function parseResetCode(code: string): { selector: string; digits: string } | null {
  if (code.length > 64) return null;
  const flat = code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  const m = /^([0-9A-HJKMNP-TV-Z]{8})(\d{6})$/.exec(flat);
  return m === null ? null : { selector: m[1]!, digits: m[2]! };
}

/** Issues a code for the user (killing any earlier one) and returns it, for the e-mail only. */
export async function issueResetCode(store: Store, input: { tenantId: string; userId: string; usernameKey: string }, now = new Date()): Promise<string> {
  await store.resetCodes.deleteMany({ tenantId: input.tenantId, userId: input.userId });
  const digits = String(randomInt(0, 10 ** RESET_CODE_DIGITS)).padStart(RESET_CODE_DIGITS, '0');
  for (let attempt = 0; ; attempt++) {
    const selector = randomSelector();
    const doc: ResetCodeDoc = {
      _id: selector,
      tenantId: input.tenantId,
      userId: input.userId,
      usernameKey: input.usernameKey,
      codeHash: codeHash(selector, digits),
      attempts: 0,
      createdAt: now,
      expiresAt: new Date(now.getTime() + RESET_CODE_TTL_SECONDS * 1000),
      usedAt: null,
    };
    try {
      await store.resetCodes.insertOne(doc);
      return formatResetCode(selector, digits);
    } catch (error) {
      // A selector already in use (about one chance in 2^40 per live code): draw another.
      if (!isDuplicateKeyError(error) || attempt >= 3) throw error;
    }
  }
}

/** A live code record named by a code as typed, before any try is taken on it. */
export interface NamedResetCode {
  selector: string;
  digits: string;
  tenantId: string;
  userId: string;
}

const liveFilter = (usernameKey: string, now: Date) => ({ usernameKey, usedAt: null, expiresAt: { $gt: now }, attempts: { $lt: RESET_CODE_MAX_ATTEMPTS } });

/**
 * The live record the code names for this username (its tenant and user), or null: a malformed
 * code, a selector of no live record, or a record of another username. Takes no try.
 */
export async function findResetCode(store: Store, usernameKey: string, code: string, now = new Date()): Promise<NamedResetCode | null> {
  const parsed = parseResetCode(code);
  if (parsed === null) return null;
  const doc = await store.resetCodes.findOne({ _id: parsed.selector, ...liveFilter(usernameKey, now) });
  return doc === null ? null : { ...parsed, tenantId: doc.tenantId, userId: doc.userId };
}

export type RedeemResult = { ok: true; tenantId: string; userId: string } | { ok: false };

/**
 * Takes one try on the named record (one guarded update; none left, expired or used: refused),
 * compares the digits in constant time, and spends the code when they match.
 */
export async function redeemResetCode(store: Store, usernameKey: string, named: NamedResetCode, now = new Date()): Promise<RedeemResult> {
  const tried = await store.resetCodes.findOneAndUpdate({ _id: named.selector, ...liveFilter(usernameKey, now) }, { $inc: { attempts: 1 } }, { returnDocument: 'after' });
  if (tried === null || !constantTimeEqual(codeHash(named.selector, named.digits), tried.codeHash)) return { ok: false };
  // The try just taken may have been the last one: spending checks only use and expiry.
  const spent = await store.resetCodes.findOneAndUpdate({ _id: tried._id, usedAt: null, expiresAt: { $gt: now } }, { $set: { usedAt: now } }, { returnDocument: 'after' });
  return spent === null ? { ok: false } : { ok: true, tenantId: spent.tenantId, userId: spent.userId };
}
