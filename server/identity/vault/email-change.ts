/**
 * Update Email (PUT /api/users/{tenant_id}/{user_id}/email): a new address, confirmed by a fresh
 * zkimg-1 proof of the user (the spec: `challenge_id` and `challenge_data` as in Authenticate).
 *
 * The proof: the user asks Get Challenge (username + cipherKey), computes the proof as for a login
 * (docs/zkimg-1.md, Proof) and sends it here. The body carries no `cipherKey`, so the server cannot
 * open the commitment again; it verifies against the commitment's public part (`Y`, `n`, `r`)
 * that Get Challenge recorded on the challenge as `proofKey` when it opened the commitment, values
 * the server learns during any login anyway (docs/zkimg-1.md, What the server learns). The challenge is
 * consumed first (it answers once, right or wrong); `errors` must be n / 8 bytes, zero from bit m
 * on, at most the tenant's `max_ber`; the equation runs in the crypto core. Each refusal counts as
 * a failed attempt in the tenant's lockout and is audited, exactly like a failed login.
 *
 * Address rules (decided here):
 * - The address is trimmed and must look like `local@domain.tld` (the schema does not check it).
 * - It must not belong to another user of the same tenant (case-insensitive), 409: password
 *   resets are addressed by username AND e-mail, and two accounts on one address would let the
 *   mailbox of one reset both. The check runs after the proof, so probing addresses costs a login.
 * - A changed address is unverified (`is_verified: false`) until confirmed; the same address
 *   (any case) keeps its status. The old address is told of the change through the outbox, and
 *   the new one gets a verification link (account-links.ts).
 */
import { conflict, unauthorized, validationError } from '../../http/errors.ts';
import type { GatewayServices } from '../../services.ts';
import type { TenantDoc, UserDoc, ZkimgChallengeDoc } from '../../store/collections.ts';
import { emailKey } from '../users.ts';
import { consumeChallenge } from './challenges.ts';
import type { LoginSubject } from '../lockout/attempts.ts';
import { underLockout } from '../lockout/guard.ts';
import { lockoutPolicyOf, zkimgPolicyOf } from './tenant-settings.ts';
import { parseProof, popcount8 } from './zkimg-login.ts';
import { sendVerification } from './account-links.ts';

/** The commitment's public part, recorded on a challenge by Get Challenge (b64u Y). */
export interface ChallengeProofKey {
  Y: string;
  n: number;
  r: number;
}

type ChallengeWithProofKey = ZkimgChallengeDoc;

export const EMAIL_MAX = 254;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(raw: string): string {
  const email = raw.trim();
  if (email.length > EMAIL_MAX || !EMAIL_SHAPE.test(email)) {
    throw validationError([{ location: 'body', path: ['email'], message: 'is not a valid e-mail address', type: 'value_error.email' }]);
  }
  return email;
}

export interface ProofInput {
  tenant: TenantDoc;
  user: UserDoc;
  challengeId: string;
  challengeData: string;
  ip: string;
  requestId: string;
}

/** Why the proof is refused, or null when it verifies. Consumes the challenge either way. */
async function proofFailure(services: GatewayServices, input: ProofInput): Promise<string | null> {
  const challenge = (await consumeChallenge(services.store, { id: input.challengeId, tenantId: input.tenant._id, userId: input.user._id })) as ChallengeWithProofKey | null;
  if (challenge === null) return 'stale_challenge';
  const key = challenge.proofKey;
  if (!key || typeof key.Y !== 'string' || !Number.isInteger(key.n) || !Number.isInteger(key.r)) return 'challenge_without_proof_key';
  const proof = parseProof(input.challengeData);
  if (proof === null) return 'malformed_proof';
  const m = 256 * key.r;
  if (proof.errors.length * 8 !== key.n) return 'errors_length';
  for (let i = m / 8; i < proof.errors.length; i++) if (proof.errors[i] !== 0) return 'errors_padding';
  if (popcount8(proof.errors) / m > zkimgPolicyOf(input.tenant).max_ber) return 'max_ber';
  const verdict = services.crypto.current().zkimgVerify({
    Y: new Uint8Array(Buffer.from(key.Y, 'base64url')),
    R: proof.R,
    s: proof.s,
    nonce: new Uint8Array(Buffer.from(challenge.nonce, 'base64url')),
    challengeId: challenge._id,
    username: input.user.username,
    errors: proof.errors,
    n: key.n,
    r: key.r,
  });
  return verdict.ok ? null : `proof:${verdict.reason ?? 'refused'}`;
}

/** Verifies the user's proof, with the tenant's lockout around it; throws 401 (or 429 when blocked). */
export async function verifyEmailChangeProof(services: GatewayServices, input: ProofInput): Promise<void> {
  const subject: LoginSubject = { tenantId: input.tenant._id, ip: input.ip, usernameKey: input.user.usernameKey, userId: input.user._id };
  // The attempt is reserved before the proof is checked, as for logins (identity/lockout/guard.ts),
  // so concurrent requests cannot check more proofs than the tenant's limits allow.
  const failure = await underLockout(
    { store: services.store, audit: services.identity.audit },
    lockoutPolicyOf(input.tenant),
    subject,
    input,
    async (attempt) => {
      const why = await proofFailure(services, input);
      if (why === null) await attempt.pass({ clearUser: false });
      else await attempt.fail('user.email_change', why, {}, input.user._id);
      return why;
    },
  );
  if (failure === null) return;
  throw unauthorized('The zkimg-1 proof does not confirm this change (unknown, used or expired challenge, or a proof that does not verify)');
}

/** Applies the address rules above and stores the change; returns the updated user. */
export async function changeEmail(services: GatewayServices, tenant: TenantDoc, user: UserDoc, email: string): Promise<UserDoc> {
  const tenantId = tenant._id;
  const key = emailKey(email);
  const same = key === user.emailKey;
  if (!same) {
    const holders = await services.identity.users.findByEmail(tenantId, email);
    if (holders.some((u) => u._id !== user._id)) throw conflict('This e-mail address belongs to another user of the tenant');
  }
  const updated = await services.identity.users.update(tenantId, user._id, { email, ...(same ? {} : { emailVerified: false }) });
  if (updated === null) throw unauthorized('The user no longer exists');
  if (!same && user.email) {
    await services.identity.outbox.send({
      tenantId,
      channel: 'email',
      to: user.email,
      subject: 'Your e-mail address was changed',
      body: `The e-mail address of your account ${user.username} was changed. If you did not do this, contact your administrator.`,
      purpose: 'email_changed',
    });
  }
  if (!same) await sendVerification(services, tenant, updated);
  return updated;
}
