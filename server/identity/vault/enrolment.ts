/**
 * zkimg-1 enrolment and re-enrolment (docs/zkimg-1.md, Enrolment): Register, Request Reset Password,
 * Reset Password Code, Change Password.
 *
 * - Register: the tenant (auth request's, else `default`) must have `register_enable`; the
 *   username is unique per tenant (409); the commitment's shape is checked and it is stored sealed
 *   under the master key. Register answers `null` (seed 002: 201 null), so it never logs the user
 *   in, with or without `auth_req_id`: the login page goes on with Get Challenge. The address
 *   gets a verification link (account-links.ts); `email_verified` stays false until it is followed.
 * - Request Reset Password answers the same whether or not the username and e-mail match; when
 *   they do, a one-time code goes out through the outbox. Limited per IP and per username (counted
 *   whether the account exists or not, so the limit reveals nothing).
 * - Reset Password Code spends the code, replaces the commitment, clears the username's lockout
 *   record, and ends the user's sessions and refresh tokens (the spec: "Existing sessions and
 *   refresh tokens are revoked"). It acts only in the tenant of the record the code names
 *   (reset-codes.ts, the tenant rule). A wrong code is a failed attempt of the address in that
 *   tenant (lockout); every try is limited per address.
 * - Change Password replaces the commitment of the user behind the credential (a user's API key or
 *   access token; never a client_credentials token, whose `sub` is a client id).
 */
import { GatewayError, conflict, forbidden, notFound, unauthorized } from '../../http/errors.ts';
import type { GatewayServices } from '../../services.ts';
import { IdentityError } from '../errors.ts';
import { endUserSessions } from '../sessions.ts';
import { emailKey, usernameKey } from '../users.ts';
import { checkEncryptedCommitmentShape, checkProtoVersion, deleteCommitment, saveCommitment } from './commitments.ts';
import { assertNotBlocked, recordSuccess } from '../lockout/attempts.ts';
import { underLockout } from '../lockout/guard.ts';
import { findResetCode, issueResetCode, redeemResetCode, RESET_CODE_TTL_SECONDS } from './reset-codes.ts';
import { lockoutPolicyOf, toVaultTenant } from './tenant-settings.ts';
import { loginTenant, type LoginRequestInfo } from './zkimg-login.ts';
import { rateLimited } from '../lockout/errors.ts';
import type { TenantDoc, UserDoc } from '../../store/collections.ts';
import { sendVerification } from './account-links.ts';

/** Registrations per IP and tenant per hour: enough for a family behind one NAT, not for a bot. */
export const REGISTRATIONS_PER_IP_PER_HOUR = 60;
export const RESET_REQUESTS_PER_IP_PER_HOUR = 10;
export const RESET_REQUESTS_PER_USERNAME_PER_HOUR = 3;
/** Reset Password Code tries per IP across tenants (a code of no live record names no tenant). */
export const RESET_CODE_TRIES_PER_IP_PER_15_MIN = 10;

async function limit(services: GatewayServices, key: string, max: number, windowSeconds: number): Promise<void> {
  const r = await services.identity.rateLimiter.hit(key, max, windowSeconds);
  if (!r.allowed) {
    throw rateLimited(`Too many requests; try again in ${r.retryAfterSeconds} s`, r.retryAfterSeconds);
  }
}

function checkCommitmentInput(encryptedCommitment: string, protoVersion: string): void {
  checkProtoVersion(protoVersion);
  checkEncryptedCommitmentShape(encryptedCommitment);
}

/** The login tenant of a registration, once it is open there to this address (Register, Register With A Passkey). */
export async function openRegistration(services: GatewayServices, info: LoginRequestInfo, authReqId: string | null | undefined): Promise<TenantDoc> {
  const tenant = await loginTenant(services, authReqId);
  if (!(toVaultTenant(tenant).register_enable ?? false)) throw forbidden('Registration is not open in this tenant');
  await assertNotBlocked(services.store, { tenantId: tenant._id, ip: info.ip, usernameKey: null });
  return tenant;
}

/** Counts one registration of the address (each one stores a user, or a ceremony that may). */
export function limitRegistrations(services: GatewayServices, info: LoginRequestInfo, tenant: TenantDoc): Promise<void> {
  return limit(services, `vault:register:${tenant._id}:${info.ip}`, REGISTRATIONS_PER_IP_PER_HOUR, 3600);
}

/** A new user of the tenant: a taken username is 409, an invalid one 422. */
export async function createRegisteredUser(services: GatewayServices, tenant: TenantDoc, input: { id?: string; username: string; email: string }): Promise<UserDoc> {
  try {
    return await services.identity.users.create(tenant._id, input);
  } catch (error) {
    if (error instanceof IdentityError && error.code === 'resource.conflict') throw conflict('Username already registered');
    if (error instanceof IdentityError && error.code === 'request.invalid') {
      throw new GatewayError('validation', error.message, { issues: [{ location: 'body', path: ['username'], message: error.message, type: 'value_error' }] });
    }
    throw error;
  }
}

/** The audit record of a registration, and the verification link to the address it gave. */
export async function registered(services: GatewayServices, info: LoginRequestInfo, tenant: TenantDoc, user: UserDoc, details: Record<string, unknown>): Promise<void> {
  await services.identity.audit.record({
    tenantId: tenant._id,
    actor: { type: 'user', id: user._id },
    action: 'user.register',
    outcome: 'success',
    target: user._id,
    ip: info.ip,
    requestId: info.requestId,
    details,
  });
  // The address is the person's word until the link sent to it comes back (account-links.ts).
  await sendVerification(services, tenant, user);
}

export async function register(
  services: GatewayServices,
  info: LoginRequestInfo,
  input: { authReqId?: string | null; username: string; email: string; encryptedCommitment: string; protoVersion: string },
): Promise<void> {
  checkCommitmentInput(input.encryptedCommitment, input.protoVersion);
  const tenant = await openRegistration(services, info, input.authReqId);
  await limitRegistrations(services, info, tenant);
  const user = await createRegisteredUser(services, tenant, { username: input.username, email: input.email });
  const userId = user._id;
  try {
    await saveCommitment(services.store, services.identity.sealer, { tenantId: tenant._id, userId, encryptedCommitment: input.encryptedCommitment });
  } catch (error) {
    // No transactions: undo the user so a retry with the same username is possible.
    await services.identity.users.delete(tenant._id, userId).catch(() => undefined);
    await deleteCommitment(services.store, tenant._id, userId).catch(() => undefined);
    throw error;
  }
  await registered(services, info, tenant, user, { protoVersion: input.protoVersion, authReqId: input.authReqId ?? null });
}

export async function requestPasswordReset(
  services: GatewayServices,
  info: LoginRequestInfo,
  input: { tenantId: string; clientId: string; username: string; email: string },
): Promise<void> {
  const tenant = await services.identity.tenants.get(input.tenantId);
  if (tenant === null) throw notFound(`Tenant ${input.tenantId} not found`);
  const client = await services.identity.clients.get(tenant._id, input.clientId);
  if (client === null) throw notFound(`Client ${input.clientId} not found in tenant ${tenant._id}`);
  const key = usernameKey(input.username);
  // A blocked IP is refused; a blocked username is not: resetting is how its owner gets back in.
  await assertNotBlocked(services.store, { tenantId: tenant._id, ip: info.ip, usernameKey: null });
  await limit(services, `vault:reset-request:ip:${tenant._id}:${info.ip}`, RESET_REQUESTS_PER_IP_PER_HOUR, 3600);
  await limit(services, `vault:reset-request:user:${tenant._id}:${key}`, RESET_REQUESTS_PER_USERNAME_PER_HOUR, 3600);
  const user = await services.identity.users.getByUsername(tenant._id, input.username);
  const matches = user !== null && !user.disabled && user.emailKey !== null && user.emailKey === emailKey(input.email);
  if (matches) {
    const code = await issueResetCode(services.store, { tenantId: tenant._id, userId: user._id, usernameKey: key });
    const name = toVaultTenant(tenant).display_name || tenant.name;
    await services.identity.outbox.send({
      tenantId: tenant._id,
      channel: 'email',
      to: user.email as string,
      subject: `Your ${name} reset code`,
      body: `Your code to reset the login of ${user.username} at ${name} (${client.name}) is ${code}. It expires in ${RESET_CODE_TTL_SECONDS / 60} minutes and works once. If you did not ask for it, ignore this message.`,
      purpose: 'password_reset',
    });
  }
  await services.identity.audit.record({
    tenantId: tenant._id,
    actor: { type: matches ? 'user' : 'anonymous', id: matches ? user._id : null },
    action: 'password.reset_request',
    outcome: matches ? 'success' : 'failure',
    target: key,
    ip: info.ip,
    requestId: info.requestId,
    details: { clientId: client.clientId, ...(matches ? {} : { reason: 'no_matching_user' }) },
  });
}

export async function resetPasswordWithCode(
  services: GatewayServices,
  info: LoginRequestInfo,
  input: { code: string; username: string; encryptedCommitment: string; protoVersion: string },
): Promise<void> {
  checkCommitmentInput(input.encryptedCommitment, input.protoVersion);
  const key = usernameKey(input.username);
  // Every try costs the address first: codes of no live record name no tenant to count them in.
  await limit(services, `vault:reset-code:ip:${info.ip}`, RESET_CODE_TRIES_PER_IP_PER_15_MIN, 900);
  const invalid = async (tenantId: string | null, reason: string) => {
    await services.identity.audit.record({
      tenantId,
      actor: { type: 'anonymous' },
      action: 'password.reset',
      outcome: 'failure',
      target: key,
      ip: info.ip,
      requestId: info.requestId,
      details: { reason },
    });
    return unauthorized('Invalid or expired code');
  };
  // The code names its record, and so its tenant (reset-codes.ts, the tenant rule); a code that
  // names no live record of this username touches nothing.
  const named = await findResetCode(services.store, key, input.code);
  const tenant = named === null ? null : await services.identity.tenants.get(named.tenantId);
  if (named === null || tenant === null) throw await invalid(null, 'unknown_code');
  // The try is a credential check in the code's tenant: a blocked address is refused before it,
  // and a wrong code counts for the address. The username's block does not apply: resetting is how
  // a locked-out owner gets back in, and the code itself allows only RESET_CODE_MAX_ATTEMPTS tries.
  const result = await underLockout(
    { store: services.store, audit: services.identity.audit },
    lockoutPolicyOf(tenant),
    { tenantId: tenant._id, ip: info.ip, usernameKey: null },
    info,
    async (attempt) => {
      const redeemed = await redeemResetCode(services.store, key, named);
      if (redeemed.ok) await attempt.pass({ clearUser: false });
      else await attempt.fail('password.reset', 'invalid_code', { username: key });
      return redeemed;
    },
  );
  if (!result.ok) throw unauthorized('Invalid or expired code');
  await saveCommitment(services.store, services.identity.sealer, { tenantId: result.tenantId, userId: result.userId, encryptedCommitment: input.encryptedCommitment });
  await recordSuccess(services.store, result.tenantId, key);
  await endUserSessions(services.store, result.tenantId, result.userId, 'password_reset');
  // The code went to the user's address and came back: the address is theirs.
  await services.identity.users.update(result.tenantId, result.userId, { emailVerified: true });
  await services.identity.audit.record({
    tenantId: result.tenantId,
    actor: { type: 'user', id: result.userId },
    action: 'password.reset',
    outcome: 'success',
    target: result.userId,
    ip: info.ip,
    requestId: info.requestId,
  });
}

export async function changePassword(
  services: GatewayServices,
  info: LoginRequestInfo,
  /** `userId`: the user behind the credential (admin-access.ts requireUserId), never a client's id. */
  input: { tenantId: string; userId: string; encryptedCommitment: string; protoVersion: string },
): Promise<void> {
  checkCommitmentInput(input.encryptedCommitment, input.protoVersion);
  const user = await services.identity.users.get(input.tenantId, input.userId);
  if (user === null || user.disabled) throw notFound('User not found');
  await saveCommitment(services.store, services.identity.sealer, { tenantId: user.tenantId, userId: user._id, encryptedCommitment: input.encryptedCommitment });
  await services.identity.audit.record({
    tenantId: user.tenantId,
    actor: { type: 'user', id: user._id },
    action: 'password.change',
    outcome: 'success',
    target: user._id,
    ip: info.ip,
    requestId: info.requestId,
  });
}
