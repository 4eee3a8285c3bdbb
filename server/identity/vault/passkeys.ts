/**
 * Passkeys in the Secrets Vault: the Vault's policy around the API-neutral WebAuthn ceremonies
 * (identity/webauthn/registration.ts and authentication.ts), and the mapping of their failure
 * reasons to the Vault's errors.
 *
 * - Passkeys are offered only where the tenant's `passkey_enabled` is true (spec Tenant schema).
 * - RP name: the tenant's `display_name` (its name, then its id, when that is empty); RP ID and
 *   origin from PUBLIC_URL (identity/webauthn/relying-party.ts).
 * - User verification: `settings.vault.webauthn.user_verification`, default `required`. A passkey
 *   login replaces the username and the PIN, so by default it must carry two factors (possession
 *   and the authenticator's PIN or biometric, the UV flag).
 * - A passkey login ends like Authenticate: `completeLogin` (login-continuation.ts) with method
 *   `passkey`. `need_verify` is true only on a 2FA tenant when the assertion lacked UV. When the
 *   same user has a login of the same auth request waiting for its second step (a noisy zkimg-1
 *   capture, a 2FA tenant), the assertion is that step: `stepUpLogin`.
 * - Lockout as the other login operations (lockout.ts): blocked IPs and usernames are refused
 *   before any verification, and every refused assertion counts one failure for the IP and for the
 *   username (the one given, else the credential owner's).
 */
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { components } from '../../../generated/secrets-vault/schema.ts';
import { badRequest, conflict, forbidden, GatewayError, notFound, unauthorized, validationError } from '../../http/errors.ts';
import type { GatewayServices } from '../../services.ts';
import type { PasskeyCredentialDoc, TenantDoc, UserDoc } from '../../store/collections.ts';
import { usernameKey } from '../users.ts';
import { authenticationOptions, verifyAssertion } from '../webauthn/authentication.ts';
import { challengeOf, pendingCeremonyTenant, pendingRegistrationUser } from '../webauthn/ceremonies.ts';
import { PASSKEY_NAME_MAX, deleteCredential, findCredentialWithOwner, listUserCredentials, renameCredential } from '../webauthn/credentials.ts';
import { completeRegistration, registrationOptions, saveRegisteredCredential, verifyRegistration, type RegistrationFailure, type UserVerification } from '../webauthn/registration.ts';
import { relyingPartyOf } from '../webauthn/relying-party.ts';
import type { LoginSubject } from '../lockout/attempts.ts';
import { underLockout, type CredentialCheck } from '../lockout/guard.ts';
import { completeLogin, stepUpLogin } from './login-continuation.ts';
import { normaliseAuthentication, normaliseRegistration, type AuthenticationBody, type RegistrationBody } from './passkey-bodies.ts';
import { lockoutPolicyOf, toVaultTenant, vaultSettingsOf } from './tenant-settings.ts';
import { loginTenant, type LoginRequestInfo } from './zkimg-login.ts';
import { passkeyAmr } from '../amr.ts';
import { randomUUID } from 'node:crypto';
import { createRegisteredUser, limitRegistrations, openRegistration, registered } from './enrolment.ts';
import { normaliseEmail } from './email-change.ts';
import { rateLimited } from '../lockout/errors.ts';

/** Auth options per IP and tenant per minute: each one stores a challenge. */
export const AUTH_OPTIONS_PER_MINUTE = 120;

type Services = GatewayServices;
type CreationOptions = components['schemas']['PublicKeyCredentialCreationOptionsJSON'];
type RequestOptions = components['schemas']['PublicKeyCredentialRequestOptionsJSON'];

/**
 * The library's options as the spec's schema types them: the same WebAuthn L3 JSON, with the
 * defaults the spec declares written out (`requireResidentKey`, `attestation`), and `extensions`
 * passed through unchanged (the spec leaves its members open; the generated type cannot say so).
 */
function toCreationOptions(o: PublicKeyCredentialCreationOptionsJSON): CreationOptions {
  const { authenticatorSelection: sel, extensions, ...rest } = o;
  return {
    ...rest,
    attestation: o.attestation ?? 'none',
    ...(sel !== undefined ? { authenticatorSelection: { ...sel, requireResidentKey: sel.requireResidentKey ?? false } } : {}),
    ...(extensions !== undefined ? { extensions: extensions as CreationOptions['extensions'] } : {}),
  };
}

function toRequestOptions(o: PublicKeyCredentialRequestOptionsJSON): RequestOptions {
  const { extensions, ...rest } = o;
  return { ...rest, ...(extensions !== undefined ? { extensions: extensions as RequestOptions['extensions'] } : {}) };
}

export function userVerificationOf(tenant: TenantDoc): UserVerification {
  const section = (vaultSettingsOf(tenant) as { webauthn?: { user_verification?: unknown } }).webauthn;
  const value = section?.user_verification;
  return value === 'preferred' || value === 'discouraged' ? value : 'required';
}

function rpNameOf(tenant: TenantDoc): string {
  return toVaultTenant(tenant).display_name || tenant.name || tenant._id;
}

async function passkeyTenant(services: Services, tenantId: string): Promise<TenantDoc> {
  const tenant = await services.identity.tenants.get(tenantId);
  if (tenant === null) throw notFound(`Tenant ${tenantId} not found`);
  if (!toVaultTenant(tenant).passkey_enabled) throw forbidden('Passkeys are not enabled for this tenant');
  return tenant;
}

async function activeUser(services: Services, tenantId: string, userId: string): Promise<UserDoc> {
  const user = await services.identity.users.get(tenantId, userId);
  if (user === null || user.disabled) throw notFound('The user of this credential does not exist or is disabled');
  return user;
}

export async function vaultRegistrationOptions(services: Services, input: { tenantId: string; userId: string }): Promise<CreationOptions> {
  const tenant = await passkeyTenant(services, input.tenantId);
  const user = await activeUser(services, tenant._id, input.userId);
  const { options } = await registrationOptions(services.store, {
    rp: relyingPartyOf(services.config.publicUrl),
    rpName: rpNameOf(tenant),
    tenantId: tenant._id,
    user: { id: user._id, name: user.username, displayName: user.displayName, exists: true },
    userVerification: userVerificationOf(tenant),
  });
  return toCreationOptions(options);
}

/** The Vault's answer to a refused registration: a duplicate or a full list is a conflict (409), anything else 400. */
function registrationRefusal(reason: RegistrationFailure, detail: string): GatewayError {
  return reason === 'already_registered' || reason === 'too_many_credentials' ? conflict(detail) : badRequest(detail);
}

export async function vaultVerifyRegistration(
  services: Services,
  info: LoginRequestInfo,
  /** `name`: the passkey's name when the body's form has none (RegistrationResponseJSON). */
  input: { tenantId: string; userId: string; body: RegistrationBody; name?: string | null },
): Promise<PasskeyCredentialDoc> {
  const tenant = await passkeyTenant(services, input.tenantId);
  const user = await activeUser(services, tenant._id, input.userId);
  const body = normaliseRegistration(input.body);
  const result = await completeRegistration(
    services.store,
    { rp: relyingPartyOf(services.config.publicUrl), tenantId: tenant._id, binding: { userId: user._id }, name: body.name ?? input.name ?? null },
    body.response,
  );
  if (!result.ok) throw registrationRefusal(result.reason, result.detail);
  const { credential } = result;
  await services.identity.audit.record({
    tenantId: tenant._id,
    actor: { type: 'user', id: user._id },
    action: 'passkey.register',
    outcome: 'success',
    target: credential._id,
    ip: info.ip,
    requestId: info.requestId,
    details: { credentialId: credential.credentialId, alg: credential.alg, aaguid: credential.aaguid, fmt: credential.attestationFormat },
  });
  return credential;
}

export async function vaultAuthOptions(
  services: Services,
  info: LoginRequestInfo,
  input: { queryTenantId: string; bodyTenantId: string; username: string },
): Promise<RequestOptions> {
  if (input.queryTenantId !== input.bodyTenantId) {
    throw validationError([{ location: 'body', path: ['tenant_id'], message: 'must equal the tenant_id query parameter', type: 'value_error' }]);
  }
  const tenant = await passkeyTenant(services, input.queryTenantId);
  const limit = await services.identity.rateLimiter.hit(`passkey-options:${tenant._id}:${info.ip}`, AUTH_OPTIONS_PER_MINUTE, 60);
  if (!limit.allowed) {
    throw rateLimited('Too many passkey login attempts; try again later', limit.retryAfterSeconds);
  }
  // An empty username asks for a discoverable-credential login (the authenticator picks the account).
  const byUsername = input.username !== '';
  const found = byUsername ? await services.identity.users.getByUsername(tenant._id, input.username) : null;
  const { options } = await authenticationOptions(services.store, {
    rp: relyingPartyOf(services.config.publicUrl),
    tenantId: tenant._id,
    byUsername,
    userId: found !== null && !found.disabled ? found._id : null,
    userVerification: userVerificationOf(tenant),
  });
  return toRequestOptions(options);
}

/**
 * Register With A Passkey, options: a ceremony for a user who does not exist yet (the core's
 * `exists: false`), in the login tenant, which must allow registration and passkeys. The user id
 * is drawn now; the user is created only when the credential verifies.
 */
export async function vaultNewUserRegistrationOptions(services: Services, info: LoginRequestInfo, input: { authReqId: string | null; username: string }): Promise<CreationOptions> {
  const tenant = await openRegistration(services, info, input.authReqId);
  if (!toVaultTenant(tenant).passkey_enabled) throw forbidden('Passkeys are not enabled for this tenant');
  if ((await services.identity.users.getByUsername(tenant._id, input.username)) !== null) throw conflict('Username already registered');
  await limitRegistrations(services, info, tenant);
  const { options } = await registrationOptions(services.store, {
    rp: relyingPartyOf(services.config.publicUrl),
    rpName: rpNameOf(tenant),
    tenantId: tenant._id,
    user: { id: randomUUID(), name: input.username, displayName: input.username, exists: false },
    userVerification: userVerificationOf(tenant),
  });
  return toCreationOptions(options);
}

/**
 * Register With A Passkey: the credential verifies against a pending new-user ceremony (found by
 * its challenge), the user is created with the ceremony's username and the given address (a
 * verification link goes to it), the passkey stored, and the user logged in as by Verify Auth.
 */
export async function vaultRegisterWithPasskey(
  services: Services,
  info: LoginRequestInfo,
  input: { authReqId: string | null; email: string; name: string | null; body: RegistrationBody },
): Promise<PasskeyLoginResult> {
  const tenant = await openRegistration(services, info, input.authReqId);
  if (!toVaultTenant(tenant).passkey_enabled) throw forbidden('Passkeys are not enabled for this tenant');
  const email = normaliseEmail(input.email);
  const { response } = normaliseRegistration(input.body);
  const challenge = challengeOf(response.response.clientDataJSON);
  if (challenge === null) throw badRequest('clientDataJSON must be the JSON client data with a challenge');
  const userId = await pendingRegistrationUser(services.store, { challenge, tenantId: tenant._id });
  if (userId === null) throw unauthorized('Unknown, expired or already used challenge');
  const rp = relyingPartyOf(services.config.publicUrl);
  const verified = await verifyRegistration(services.store, { rp, tenantId: tenant._id, binding: { userId }, name: input.name }, response);
  if (!verified.ok) throw registrationRefusal(verified.reason, verified.detail);
  const newUser = verified.ceremony.newUser;
  if (newUser === null) throw badRequest('This ceremony registers a passkey for an existing user, not a new one');
  const user = await createRegisteredUser(services, tenant, { id: userId, username: newUser.name, email });
  const saved = await saveRegisteredCredential(services.store, verified.credential);
  if (!saved.ok) {
    // No transactions: undo the user so a retry with the same username is possible.
    await services.identity.users.delete(tenant._id, user._id).catch(() => undefined);
    throw registrationRefusal(saved.reason, saved.detail);
  }
  // The ceremony required user verification unless the tenant relaxed it (userVerificationOf).
  const userVerified = userVerificationOf(tenant) === 'required';
  const amr = passkeyAmr(userVerified);
  const needVerify = (toVaultTenant(tenant).is_2fa ?? false) && !userVerified;
  const login = await completeLogin(services, { tenantId: tenant._id, userId: user._id, method: 'passkey', amr, needVerify, authReqId: input.authReqId, ip: info.ip, userAgent: info.userAgent });
  await registered(services, info, tenant, user, { method: 'passkey', passkeyId: saved.credential._id, authReqId: input.authReqId });
  return { nonce: login.nonce, need_verify: needVerify };
}

export interface PasskeyLoginResult {
  nonce: string;
  need_verify: boolean;
}

/** The tenant of a passkey login: the auth request's, else the body's, else the challenge's. */
async function assertionTenant(services: Services, authReqId: string | null, bodyTenantId: string | null, clientDataJSON: string): Promise<TenantDoc> {
  let tenantId: string | null = null;
  if (authReqId !== null) {
    tenantId = (await loginTenant(services, authReqId))._id;
    if (bodyTenantId !== null && bodyTenantId !== tenantId) throw validationError([{ location: 'body', path: ['tenant_id'], message: 'is not the tenant of auth_req_id', type: 'value_error' }]);
  } else {
    if (bodyTenantId !== null) tenantId = bodyTenantId;
    else {
      const challenge = challengeOf(clientDataJSON);
      if (challenge === null) throw badRequest('clientDataJSON must be the JSON client data with a challenge');
      tenantId = await pendingCeremonyTenant(services.store, { challenge });
    }
  }
  if (tenantId === null) throw unauthorized('Unknown, expired or already used challenge');
  return passkeyTenant(services, tenantId);
}

export async function vaultVerifyAuth(
  services: Services,
  info: LoginRequestInfo,
  input: { authReqId: string | null; body: AuthenticationBody },
): Promise<PasskeyLoginResult> {
  const body = normaliseAuthentication(input.body);
  const tenant = await assertionTenant(services, input.authReqId, body.tenantId, body.response.response.clientDataJSON);
  const rp = relyingPartyOf(services.config.publicUrl);

  // The passkey's owner, then lockout: for the username given, else for the owner.
  const { credential, owner } = await findCredentialWithOwner(services.store, tenant._id, body.response.id);
  const named = body.username !== null ? usernameKey(body.username) : null;
  const namedUser = named === null || named === owner?.usernameKey ? owner : await services.identity.users.getByUsername(tenant._id, body.username as string);
  const subject: LoginSubject = { tenantId: tenant._id, ip: info.ip, usernameKey: named ?? owner?.usernameKey ?? null, userId: namedUser?._id ?? null };
  // The attempt is reserved before any verification (identity/lockout/guard.ts), so concurrent
  // assertions cannot be checked beyond the tenant's limits.
  return underLockout({ store: services.store, audit: services.identity.audit }, lockoutPolicyOf(tenant), subject, info, (attempt) =>
    verifyUnderLockout(services, info, input, { tenant, rp, credential, owner, named, attempt, body }),
  );
}

async function verifyUnderLockout(
  services: Services,
  info: LoginRequestInfo,
  input: { authReqId: string | null },
  held: {
    tenant: TenantDoc;
    rp: ReturnType<typeof relyingPartyOf>;
    credential: PasskeyCredentialDoc | null;
    owner: UserDoc | null;
    named: string | null;
    attempt: CredentialCheck;
    body: ReturnType<typeof normaliseAuthentication>;
  },
): Promise<PasskeyLoginResult> {
  const { tenant, rp, credential, owner, named, attempt, body } = held;
  const refuse = async (reason: string, detail: string) => {
    await attempt.fail('login.passkey', reason, { credentialId: body.response.id });
    return unauthorized(detail);
  };
  // Before any verification: a disabled owner's passkey reads as unknown; the flat form names
  // the user, who must be the owner (the assertion itself would say nothing about the name).
  if (credential !== null && (owner === null || owner.disabled)) throw await refuse('inactive_user', 'Unknown passkey');
  if (named !== null && owner !== null && named !== owner.usernameKey) throw await refuse('username_mismatch', 'This passkey belongs to another user');

  const result = await verifyAssertion(
    { store: services.store, core: services.crypto.current() },
    { rp, tenantId: tenant._id, credential, ip: info.ip || null, userAgent: info.userAgent || null },
    body.response,
  );
  // Client data that is not JSON with a challenge is a malformed request, not a failed login.
  if (!result.ok && result.reason === 'malformed_response') throw badRequest('clientDataJSON must be the JSON client data with a challenge');
  if (!result.ok) {
    if (result.reason === 'sign_count' && result.credential !== null) {
      await services.identity.audit.record({
        tenantId: tenant._id,
        actor: { type: 'system' },
        action: 'passkey.clone_suspected',
        outcome: 'denied',
        target: result.credential._id,
        ip: info.ip,
        requestId: info.requestId,
        details: { userId: result.credential.userId, storedSignCount: result.credential.signCount, receivedSignCount: result.signCount },
      });
    }
    throw await refuse(result.reason, result.detail);
  }
  // An accepted assertion has a credential, whose owner was found active above.
  const user = owner!;

  // The second step of a pending login of this user for this auth request, else a login of its own.
  const amr = passkeyAmr(result.userVerified);
  const stepped = input.authReqId !== null ? await stepUpLogin(services, { tenantId: tenant._id, userId: user._id, authReqId: input.authReqId, amr }) : null;
  const needVerify = stepped === null && (toVaultTenant(tenant).is_2fa ?? false) && !result.userVerified;
  const login =
    stepped ??
    (await completeLogin(services, {
      tenantId: tenant._id,
      userId: user._id,
      method: 'passkey',
      amr,
      needVerify,
      authReqId: input.authReqId,
      ip: info.ip,
      userAgent: info.userAgent,
    }));
  await attempt.pass({ clearUser: true });
  await services.identity.audit.record({
    tenantId: tenant._id,
    actor: { type: 'user', id: user._id },
    action: stepped !== null ? 'login.passkey.step_up' : 'login.passkey',
    outcome: 'success',
    target: user._id,
    ip: info.ip,
    requestId: info.requestId,
    details: { sessionId: login.sessionId, method: 'passkey', amr, passkeyId: result.credential._id, userVerified: result.userVerified, signCount: result.signCount, needVerify },
  });
  return { nonce: login.nonce, need_verify: needVerify };
}

export interface PasskeyView {
  id: string;
  name: string;
  created_at: string;
  last_use: { date: string; ip?: string; user_agent?: string; country?: string } | null;
}

/** The spec's PasskeyInfo: never the key or the credential id. */
export function toPasskeyInfo(c: PasskeyCredentialDoc): PasskeyView {
  const from = c.lastUsedFrom;
  return {
    id: c._id,
    name: c.name,
    created_at: c.createdAt.toISOString(),
    last_use:
      c.lastUsedAt === null
        ? null
        : {
            date: c.lastUsedAt.toISOString(),
            ...(from?.ip ? { ip: from.ip } : {}),
            ...(from?.userAgent ? { user_agent: from.userAgent } : {}),
            ...(from?.country ? { country: from.country } : {}),
          },
  };
}

export async function listVaultPasskeys(services: Services, input: { tenantId: string; userId: string }): Promise<PasskeyView[]> {
  return (await listUserCredentials(services.store, input.tenantId, input.userId)).map(toPasskeyInfo);
}

export async function deleteVaultPasskey(services: Services, info: LoginRequestInfo, input: { tenantId: string; userId: string; id: string }): Promise<void> {
  // Another user's passkey, or another tenant's, reads as absent (404), never as forbidden.
  if (!(await deleteCredential(services.store, input))) throw notFound('Passkey not found');
  await services.identity.audit.record({
    tenantId: input.tenantId,
    actor: { type: 'user', id: input.userId },
    action: 'passkey.delete',
    outcome: 'success',
    target: input.id,
    ip: info.ip,
    requestId: info.requestId,
  });
}

export async function renameVaultPasskey(services: Services, info: LoginRequestInfo, input: { tenantId: string; userId: string; id: string; name: string }): Promise<void> {
  const name = input.name.trim();
  if (name === '' || name.length > PASSKEY_NAME_MAX) {
    throw validationError([{ location: 'body', path: ['name'], message: `must be 1 to ${PASSKEY_NAME_MAX} characters`, type: 'value_error' }]);
  }
  // Another user's passkey, or another tenant's, reads as absent (404), never as forbidden.
  if (!(await renameCredential(services.store, { tenantId: input.tenantId, userId: input.userId, id: input.id, name }))) throw notFound('Passkey not found');
  await services.identity.audit.record({
    tenantId: input.tenantId,
    actor: { type: 'user', id: input.userId },
    action: 'passkey.rename',
    outcome: 'success',
    target: input.id,
    ip: info.ip,
    requestId: info.requestId,
  });
}
