/**
 * zkimg-1 login: Get Challenge and Authenticate (docs/zkimg-1.md, Challenge and
 * Verification), with the tenant's lockout around both.
 *
 * Order of work in both operations: the tenant, then the user record and the attempt's lockout
 * slots (identity/lockout/guard.ts: one guarded update per counter, in parallel with the user
 * read), and only then any cryptography, so a blocked IP or username costs the gateway a few
 * indexed operations and nothing else, and parallel requests cannot evaluate more cipherKeys than
 * the window allows. Every refusal counts as one failed attempt for the IP and the username and
 * is audited; a success gives its slots back (an Authenticate success also clears the username's
 * record).
 *
 * What a refusal says: before the commitment opens (unknown user, disabled user, wrong
 * `cipherKey`) the answer is one and the same 401, after the same work. After it opens, the caller
 * has shown it holds `cipherKey`, and the detail names the failed step (stale challenge, bit-error
 * report, rate above `max_ber`, proof) so an honest client can tell its user what happened.
 */
import { GatewayError, badRequest, unauthorized } from '../../http/errors.ts';
import type { GatewayServices } from '../../services.ts';
import type { TenantDoc, UserDoc, ZkimgCommitmentDoc } from '../../store/collections.ts';
import { DEFAULT_TENANT_ID } from '../bootstrap.ts';
import { usernameKey } from '../users.ts';
import { consumeChallenge, createChallenge, encodeChallengeData } from './challenges.ts';
import { findUserWithCommitment, openCommitment, openDummyCommitment, ZKIMG_PROTO_VERSION, type OpenedCommitment } from './commitments.ts';
import { livenessFailure, type LogData } from './liveness-policy.ts';
import { underLockout, type CredentialCheck } from '../lockout/guard.ts';
import { completeLogin } from './login-continuation.ts';
import { lockoutPolicyOf, toVaultTenant, zkimgPolicyOf } from './tenant-settings.ts';
import { ZKIMG_AMR } from '../amr.ts';

/** What the handlers pass from the request context. */
export interface LoginRequestInfo {
  ip: string;
  userAgent: string;
  requestId: string;
}

export const BAD_CREDENTIALS = 'Invalid username or key';
/** User ids are UUIDs; the empty string matches no record. */
const NO_USER = '';

/**
 * The tenant of a login operation: the pending auth request's when `auth_req_id` is
 * given, else the bootstrap tenant `default`.
 */
export async function loginTenant(services: GatewayServices, authReqId: string | null | undefined, now = new Date()): Promise<TenantDoc> {
  let tenantId = DEFAULT_TENANT_ID;
  if (authReqId != null && authReqId !== '') {
    const request = await services.store.authRequests.findOne({ _id: authReqId, completedAt: null, expiresAt: { $gt: now } });
    if (request === null) throw badRequest('Unknown or expired auth_req_id');
    tenantId = request.tenantId;
  }
  const tenant = await services.identity.tenants.get(tenantId);
  if (tenant === null) throw new GatewayError('not_found', `Tenant ${tenantId} not found`);
  return tenant;
}

const BYTE_POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let x = b; x !== 0; x &= x - 1) n++;
  return n;
});

/** popcount of a byte string (the server's own count of `errors`, Verification step 3). */
export function popcount8(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) n += BYTE_POPCOUNT[b]!;
  return n;
}

/** BER_PERCENT: 100 e / m with exactly two decimals, rounded half up on the exact rational. */
export function formatBerPercent(errorBits: number, m: number): string {
  const hundredths = Math.floor((20000 * errorBits + m) / (2 * m));
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

/** The active user of `username` (null when unknown or disabled) and their stored commitment. */
async function activeLogin(services: GatewayServices, tenantId: string, username: string): Promise<{ user: UserDoc | null; stored: ZkimgCommitmentDoc | null }> {
  const found = await findUserWithCommitment(services.store, tenantId, usernameKey(username));
  return found !== null && !found.user.disabled ? { user: found.user, stored: found.commitment } : { user: null, stored: null };
}

/**
 * The attempt's lockout (identity/lockout/guard.ts) around `work`, with the active user and their
 * commitment read alongside (one command, the same for a username nobody has).
 */
function withLoginAttempt<T>(
  services: GatewayServices,
  tenant: TenantDoc,
  info: LoginRequestInfo,
  username: string,
  work: (user: UserDoc | null, stored: ZkimgCommitmentDoc | null, attempt: CredentialCheck) => Promise<T>,
): Promise<T> {
  const subject = { tenantId: tenant._id, ip: info.ip, usernameKey: usernameKey(username) };
  const deps = { store: services.store, audit: services.identity.audit };
  return underLockout(
    deps,
    lockoutPolicyOf(tenant),
    subject,
    info,
    (attempt, { user, stored }) => {
      attempt.identify(user?._id ?? null);
      return work(user, stored, attempt);
    },
    () => activeLogin(services, tenant._id, username),
  );
}

/** Counts and audits the failure (guard.ts), and returns the error to throw. */
async function refuse(attempt: CredentialCheck, action: string, reason: string, detail: string): Promise<GatewayError> {
  await attempt.fail(action, reason);
  return unauthorized(detail);
}

export interface ChallengeResult {
  challenge_data: string;
  proto_version: string;
}

/** Get Challenge (docs/zkimg-1.md, Challenge). */
export async function issueChallenge(
  services: GatewayServices,
  info: LoginRequestInfo,
  input: { authReqId?: string | null; username: string; cipherKey: string },
): Promise<ChallengeResult> {
  const tenant = await loginTenant(services, input.authReqId);
  return withLoginAttempt(services, tenant, info, input.username, async (user, stored, attempt) => {
    const commitment =
      user !== null && stored !== null
        ? openCommitment(services.identity.sealer, stored, input.cipherKey, tenant._id, user.username)
        : openDummyCommitment(services.identity.sealer, input.cipherKey, tenant._id, input.username);
    if (user === null || commitment === null) {
      throw await refuse(attempt, 'login.zkimg.challenge', user === null ? 'unknown_user' : 'wrong_key', BAD_CREDENTIALS);
    }
    const challenge = await createChallenge(services.store, {
      tenantId: tenant._id,
      userId: user._id,
      proofKey: { Y: Buffer.from(commitment.Y).toString('base64url'), n: commitment.n, r: commitment.r },
    });
    // The key was right: the slots go back (the login itself is decided by Authenticate).
    await attempt.pass({ clearUser: false });
    return { challenge_data: encodeChallengeData(challenge, commitment), proto_version: ZKIMG_PROTO_VERSION };
  });
}

export interface BerForm {
  ber: { count_bits: number; error_bits: number; BER_PERCENT: string };
  image_dim: number[];
  algorithm_version: string;
}

export interface AuthenticateInput {
  authReqId?: string | null;
  username: string;
  cipherKey: string;
  challengeId: string;
  challengeData: string;
  ber?: BerForm | null;
  logData?: LogData | null;
}

export interface AuthenticateResult {
  nonce: string;
  need_verify: boolean;
}

interface ParsedProof {
  R: Uint8Array;
  s: Uint8Array;
  errors: Uint8Array;
}

/** challenge_data of Authenticate: b64u(JSON {"R", "s", "errors"}) (Proof step 7); null when malformed. */
export function parseProof(challengeData: string): ParsedProof | null {
  if (!/^[A-Za-z0-9_-]+$/.test(challengeData)) return null;
  let o: unknown;
  try {
    o = JSON.parse(Buffer.from(challengeData, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (o === null || typeof o !== 'object') return null;
  const { R, s, errors } = o as Record<string, unknown>;
  const field = (v: unknown) => (typeof v === 'string' && /^[A-Za-z0-9_-]*$/.test(v) ? new Uint8Array(Buffer.from(v, 'base64url')) : null);
  const [r, sc, e] = [field(R), field(s), field(errors)];
  if (r === null || sc === null || e === null || r.length !== 32 || sc.length !== 32) return null;
  return { R: r, s: sc, errors: e };
}

/**
 * Verification step 3: `errors` is n / 8 bytes and zero from bit m on; the reported count_bits is
 * m, error_bits the server's popcount, BER_PERCENT its two-decimal form. Returns the error count,
 * or why the report is refused.
 */
export function checkBerReport(errors: Uint8Array, c: Pick<OpenedCommitment, 'n' | 'r'>, ber: BerForm | null | undefined): { errorBits: number; m: number } | string {
  const m = 256 * c.r;
  if (errors.length * 8 !== c.n) return `errors must be exactly ${c.n / 8} bytes`;
  for (let i = m / 8; i < errors.length; i++) if (errors[i] !== 0) return `errors must be zero from bit ${m} on`;
  const errorBits = popcount8(errors);
  if (ber == null) return 'the ber report is required';
  if (ber.ber.count_bits !== m) return `ber.count_bits must be ${m}`;
  if (ber.ber.error_bits !== errorBits) return 'ber.error_bits does not match the errors';
  if (ber.ber.BER_PERCENT !== formatBerPercent(errorBits, m)) return 'ber.BER_PERCENT does not match the errors';
  return { errorBits, m };
}

/** Authenticate (docs/zkimg-1.md, Verification steps 1-7). */
export async function authenticate(services: GatewayServices, info: LoginRequestInfo, input: AuthenticateInput): Promise<AuthenticateResult> {
  const tenant = await loginTenant(services, input.authReqId);
  return withLoginAttempt(services, tenant, info, input.username, async (user, stored, attempt) => {
    const fail = async (reason: string, detail: string) => refuse(attempt, 'login.zkimg', reason, detail);

    // Step 1: the challenge answers once, right or wrong (consumed before anything is checked).
    // An unknown user costs the same query, under an id no record has.
    const challenge = await consumeChallenge(services.store, { id: input.challengeId, tenantId: tenant._id, userId: user?._id ?? NO_USER });
    // Step 2: the commitment opens with cipherKey (the same work for an unknown user).
    const commitment =
      user !== null && stored !== null
        ? openCommitment(services.identity.sealer, stored, input.cipherKey, tenant._id, user.username)
        : openDummyCommitment(services.identity.sealer, input.cipherKey, tenant._id, input.username);
    if (user === null || commitment === null) throw await fail(user === null ? 'unknown_user' : 'wrong_key', BAD_CREDENTIALS);
    if (challenge === null) throw await fail('stale_challenge', 'Unknown, expired or already used challenge');

    const proof = parseProof(input.challengeData);
    if (proof === null) throw await fail('malformed_proof', 'challenge_data must be base64url JSON {R, s, errors} with 32-byte R and s');
    // Step 3: the bit-error report is consistent with the errors sent.
    const report = checkBerReport(proof.errors, commitment, input.ber);
    if (typeof report === 'string') throw await fail('ber_report', report);
    // Step 4: the tenant's max_ber.
    const policy = zkimgPolicyOf(tenant);
    const rate = report.errorBits / report.m;
    if (rate > policy.max_ber) throw await fail('max_ber', `Bit error rate ${formatBerPercent(report.errorBits, report.m)} % is above the tenant's limit`);
    // Step 5: s < L, canonical R and Y, s B == R + h Y (cofactorless), in the crypto core.
    const verdict = services.crypto.current().zkimgVerify({
      Y: commitment.Y,
      R: proof.R,
      s: proof.s,
      nonce: new Uint8Array(Buffer.from(challenge.nonce, 'base64url')),
      challengeId: challenge._id,
      username: input.username,
      errors: proof.errors,
      n: commitment.n,
      r: commitment.r,
    });
    if (!verdict.ok) throw await fail(`proof:${verdict.reason ?? 'refused'}`, 'The proof does not verify');

    // Step 6: a second step when the capture was noisy, the liveness evidence fails, or the tenant wants 2FA.
    const vaultTenant = toVaultTenant(tenant);
    const liveness = livenessFailure(vaultTenant.use_liveness ?? false, vaultTenant.liveness_config, input.logData);
    const needVerify = rate > policy.verify_ber || liveness !== null || (vaultTenant.is_2fa ?? false);

    // Step 7: the login continuation (session + one-time nonce, bound to the auth request).
    const login = await completeLogin(services, {
      tenantId: tenant._id,
      userId: user._id,
      method: 'zkimg',
      amr: ZKIMG_AMR,
      needVerify,
      authReqId: input.authReqId ?? null,
      ip: info.ip,
      userAgent: info.userAgent,
    });
    await Promise.all([
      // The login succeeded: the IP's slot goes back and the username starts afresh.
      attempt.pass({ clearUser: true }),
      services.identity.audit.record({
        tenantId: tenant._id,
        actor: { type: 'user', id: user._id },
        action: 'login.zkimg',
        outcome: 'success',
        target: user._id,
        ip: info.ip,
        requestId: info.requestId,
        details: {
          sessionId: login.sessionId,
          method: 'zkimg',
          amr: ZKIMG_AMR,
          errorBits: report.errorBits,
          countBits: report.m,
          needVerify,
          ...(liveness !== null ? { liveness } : {}),
          imageDim: input.ber?.image_dim,
          algorithmVersion: input.ber?.algorithm_version,
        },
      }),
    ]);
    return { nonce: login.nonce, need_verify: needVerify };
  });
}
