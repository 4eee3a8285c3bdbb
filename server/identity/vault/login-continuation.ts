/**
 * What happens after a user has proven who they are (zkimg-1 or passkey) at a Vault tenant:
 * - `completeLogin` opens a session (identity/sessions.ts) and hands out a login nonce: random, single use, 5 minutes,
 *   stored only as its SHA-256, bound to the tenant, the user, the session and (when given) the
 *   pending auth request. The login operations return it as `AuthResult.nonce`.
 * - A login with `needVerify` (unverified user, or a 2FA tenant) must be stepped up first:
 *   `stepUpLogin`, after a passkey assertion by the same user, marks the pending nonces of that
 *   auth request as stepped up and returns a fresh nonce that is ready to redeem.
 * - `redeemLoginNonce` (authorize/complete) spends a nonce: one guarded update, so a nonce is
 *   redeemed at most once even when two completions race.
 * Without an auth request the nonce is only a proof of login: nothing redeems it.
 */
import { GatewayError } from '../../http/errors.ts';
import type { GatewayServices } from '../../services.ts';
import type { LoginNonceDoc } from '../../store/collections.ts';
import { hashSecret, randomSecret } from '../secrets/hash.ts';
import { createSession, reauthenticate, type LoginMethod } from '../sessions.ts';
import { findPendingAuthRequest } from './auth-requests.ts';
import { amrOfMethod } from '../amr.ts';

export const LOGIN_NONCE_TTL_SECONDS = 300;
export { SESSION_TTL_SECONDS, type LoginMethod } from '../sessions.ts';

export interface CompleteLoginInput {
  tenantId: string;
  userId: string;
  method: LoginMethod;
  /** RFC 8176 values of the proof (identity/amr.ts), the ID token's `amr`; by default what `method` alone says */
  amr?: readonly string[];
  /** true when the user is unverified or the tenant requires 2FA: a step-up must follow. */
  needVerify: boolean;
  authReqId?: string | null;
  ip: string;
  userAgent: string;
}

export interface LoginResult {
  nonce: string;
  sessionId: string;
}

type Services = Pick<GatewayServices, 'store'>;

async function issueNonce(services: Services, fields: Omit<LoginNonceDoc, '_id' | 'createdAt' | 'expiresAt' | 'usedAt'>, now: Date): Promise<string> {
  const nonce = randomSecret(32);
  await services.store.loginNonces.insertOne({
    _id: hashSecret(nonce),
    ...fields,
    createdAt: now,
    expiresAt: new Date(now.getTime() + LOGIN_NONCE_TTL_SECONDS * 1000),
    usedAt: null,
  });
  return nonce;
}

export async function completeLogin(services: Services, input: CompleteLoginInput): Promise<LoginResult> {
  const now = new Date();
  const authReqId = input.authReqId ?? null;
  if (authReqId !== null) {
    // The auth request must be this tenant's and still pending: a login for tenant A cannot
    // complete tenant B's authorization.
    const request = await findPendingAuthRequest(services.store, input.tenantId, authReqId, now);
    if (request === null) throw new GatewayError('bad_request', 'Unknown or expired auth_req_id');
  }
  const session = await createSession(services.store, { tenantId: input.tenantId, userId: input.userId, method: input.method, amr: input.amr, ip: input.ip, userAgent: input.userAgent }, now);
  const nonce = await issueNonce(
    services,
    { tenantId: input.tenantId, userId: input.userId, sessionId: session._id, authReqId, method: input.method, needVerify: input.needVerify, steppedUpAt: null },
    now,
  );
  return { nonce, sessionId: session._id };
}

export interface StepUpInput {
  tenantId: string;
  userId: string;
  /** RFC 8176 values of the second proof (a passkey's by default) */
  amr?: readonly string[];
  authReqId?: string | null;
}

/**
 * Records the second step for the user's pending logins of this auth request. Returns a fresh,
 * already stepped-up nonce for the most recent such login, or null when no login of this user
 * awaits a step-up (the caller then treats the passkey assertion as a login of its own).
 */
export async function stepUpLogin(services: Services, input: StepUpInput): Promise<LoginResult | null> {
  const now = new Date();
  const authReqId = input.authReqId ?? null;
  const pending = { tenantId: input.tenantId, userId: input.userId, authReqId, usedAt: null, expiresAt: { $gt: now } };
  const latest = await services.store.loginNonces.find(pending).sort({ createdAt: -1 }).limit(1).next();
  if (latest === null) return null;
  const session = await reauthenticate(services.store, input.tenantId, latest.sessionId, input.amr ?? amrOfMethod('passkey'), now);
  if (session === null) return null;
  await services.store.loginNonces.updateMany(pending, { $set: { steppedUpAt: now } });
  const nonce = await issueNonce(
    services,
    { tenantId: input.tenantId, userId: input.userId, sessionId: session._id, authReqId, method: latest.method, needVerify: latest.needVerify, steppedUpAt: now },
    now,
  );
  return { nonce, sessionId: session._id };
}

export type RedeemFailure = 'invalid' | 'step_up_required';

/**
 * Spends the nonce for `authReqId`: it must be unused, unexpired, of this tenant and auth request,
 * and stepped up when the login needed it. Returns the spent record or the reason for refusal.
 */
export async function redeemLoginNonce(
  services: Services,
  input: { tenantId: string; authReqId: string; nonce: string },
): Promise<{ ok: true; login: LoginNonceDoc } | { ok: false; reason: RedeemFailure }> {
  const now = new Date();
  const base = { _id: hashSecret(input.nonce), tenantId: input.tenantId, authReqId: input.authReqId, usedAt: null, expiresAt: { $gt: now } };
  const login = await services.store.loginNonces.findOneAndUpdate(
    { ...base, $or: [{ needVerify: false }, { steppedUpAt: { $ne: null } }] },
    { $set: { usedAt: now } },
    { returnDocument: 'after' },
  );
  if (login !== null) return { ok: true, login };
  const awaiting = await services.store.loginNonces.findOne(base);
  return { ok: false, reason: awaiting !== null ? 'step_up_required' : 'invalid' };
}
