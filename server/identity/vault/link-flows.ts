/**
 * What the e-mailed links and a fresh login let a person do without a bearer token
 * (docs/login-flows.md, "Invitations and e-mail verification"):
 *
 * - Enrol: the enrolment link's token sets the user's first zkimg-1 commitment (or a later one:
 *   an administrator re-invites a user who lost theirs). The token is spent first (single use),
 *   and given back when the commitment cannot be stored.
 * - A passkey for the user named by an enrolment token (spent when the passkey is saved) or by a
 *   login nonce the login page just received (login-continuation.ts): unspent, unexpired, of this
 *   tenant, and stepped up when the login needed it. The nonce is not spent here: the login page
 *   then completes the authorization with it. It is a first-party credential: the login page
 *   holds it and relying parties never see it, so offering a passkey after a login gives no
 *   application the `account` power (account-scope.ts).
 * - Verify e-mail: the verification link's token confirms the address it was sent to.
 *
 * Enrolment and passkey tokens also confirm the e-mail address: the link went to it and came back.
 */
import { notFound, unauthorized, validationError } from '../../http/errors.ts';
import type { GatewayServices } from '../../services.ts';
import type { AccountLinkDoc, TenantDoc, UserDoc } from '../../store/collections.ts';
import { hashSecret } from '../secrets/hash.ts';
import { linkMatchesAddress, findLiveLink, spendLink, unspendLink, type LinkPurpose } from './account-links.ts';
import { checkEncryptedCommitmentShape, checkProtoVersion, saveCommitment } from './commitments.ts';
import { vaultRegistrationOptions, vaultVerifyRegistration } from './passkeys.ts';
import type { RegistrationBody } from './passkey-bodies.ts';
import type { LoginRequestInfo } from './zkimg-login.ts';

type Services = GatewayServices;

export const STALE_LINK = 'This link is not valid any more: it was already used, it expired, or a newer one was sent';

async function tenantOf(services: Services, tenantId: string): Promise<TenantDoc> {
  const tenant = await services.identity.tenants.get(tenantId);
  if (tenant === null) throw notFound(`Tenant ${tenantId} not found`);
  return tenant;
}

async function activeUserOf(services: Services, tenantId: string, userId: string): Promise<UserDoc | null> {
  const user = await services.identity.users.get(tenantId, userId);
  return user === null || user.disabled ? null : user;
}

async function audit(services: Services, info: LoginRequestInfo, entry: { tenantId: string; userId: string | null; action: string; outcome: 'success' | 'failure'; details?: Record<string, unknown> }) {
  await services.identity.audit.record({
    tenantId: entry.tenantId,
    actor: entry.userId === null ? { type: 'anonymous' } : { type: 'user', id: entry.userId },
    action: entry.action,
    outcome: entry.outcome,
    target: entry.userId,
    ip: info.ip,
    requestId: info.requestId,
    ...(entry.details ? { details: entry.details } : {}),
  });
}

/** The link spent for its user, or 401 (audited) when it is unknown here, used, expired or its user is gone. */
async function spendFor(services: Services, info: LoginRequestInfo, input: { tenantId: string; token: string; purpose: LinkPurpose; action: string }): Promise<{ link: AccountLinkDoc; user: UserDoc }> {
  const link = await spendLink(services.store, input);
  const user = link === null ? null : await activeUserOf(services, input.tenantId, link.userId);
  if (link === null || user === null) {
    await audit(services, info, { tenantId: input.tenantId, userId: link?.userId ?? null, action: input.action, outcome: 'failure', details: { reason: link === null ? 'stale_link' : 'inactive_user' } });
    throw unauthorized(STALE_LINK);
  }
  return { link, user };
}

async function confirmAddress(services: Services, link: AccountLinkDoc, user: UserDoc): Promise<void> {
  if (linkMatchesAddress(link, user) && !user.emailVerified) await services.identity.users.update(user.tenantId, user._id, { emailVerified: true });
}

export async function enrolWithLink(
  services: Services,
  info: LoginRequestInfo,
  input: { tenantId: string; token: string; encryptedCommitment: string; protoVersion: string },
): Promise<void> {
  checkProtoVersion(input.protoVersion);
  checkEncryptedCommitmentShape(input.encryptedCommitment);
  await tenantOf(services, input.tenantId);
  const { link, user } = await spendFor(services, info, { tenantId: input.tenantId, token: input.token, purpose: 'enrolment', action: 'user.enrol' });
  try {
    await saveCommitment(services.store, services.identity.sealer, { tenantId: user.tenantId, userId: user._id, encryptedCommitment: input.encryptedCommitment });
  } catch (error) {
    await unspendLink(services.store, link).catch(() => undefined);
    throw error;
  }
  await confirmAddress(services, link, user);
  await audit(services, info, { tenantId: user.tenantId, userId: user._id, action: 'user.enrol', outcome: 'success', details: { method: 'zkimg' } });
}

export async function verifyEmailWithLink(services: Services, info: LoginRequestInfo, input: { tenantId: string; token: string }): Promise<void> {
  await tenantOf(services, input.tenantId);
  const { link, user } = await spendFor(services, info, { tenantId: input.tenantId, token: input.token, purpose: 'email_verification', action: 'user.email_verify' });
  if (!linkMatchesAddress(link, user)) {
    await audit(services, info, { tenantId: user.tenantId, userId: user._id, action: 'user.email_verify', outcome: 'failure', details: { reason: 'address_changed' } });
    throw unauthorized('This link was sent to an address that is no longer the one of your account');
  }
  await confirmAddress(services, link, user);
  await audit(services, info, { tenantId: user.tenantId, userId: user._id, action: 'user.email_verify', outcome: 'success' });
}

export interface PasskeyGrantInput {
  tenantId: string;
  enrolmentToken?: string | undefined;
  loginNonce?: string | undefined;
}

function exactlyOne(input: PasskeyGrantInput): 'enrolment' | 'login' {
  const token = input.enrolmentToken !== undefined;
  const nonce = input.loginNonce !== undefined;
  if (token === nonce) {
    throw validationError([{ location: 'body', path: [token ? 'login_nonce' : 'enrolment_token'], message: 'give exactly one of enrolment_token and login_nonce', type: 'value_error' }]);
  }
  return token ? 'enrolment' : 'login';
}

/** The user a fresh login nonce names: unspent, unexpired, this tenant's, stepped up when needed. */
async function loginNonceUser(services: Services, tenantId: string, nonce: string): Promise<UserDoc> {
  const login = await services.store.loginNonces.findOne({
    _id: hashSecret(nonce),
    tenantId,
    usedAt: null,
    expiresAt: { $gt: new Date() },
    $or: [{ needVerify: false }, { steppedUpAt: { $ne: null } }],
  });
  const user = login === null ? null : await activeUserOf(services, tenantId, login.userId);
  if (user === null) throw unauthorized('This sign-in is too old to add a passkey now; sign in again');
  return user;
}

export async function passkeyGrantOptions(services: Services, input: PasskeyGrantInput) {
  let userId: string;
  if (exactlyOne(input) === 'enrolment') {
    const link = await findLiveLink(services.store, { tenantId: input.tenantId, token: input.enrolmentToken!, purpose: 'enrolment' });
    if (link === null) throw unauthorized(STALE_LINK);
    userId = link.userId;
  } else {
    userId = (await loginNonceUser(services, input.tenantId, input.loginNonce!))._id;
  }
  return vaultRegistrationOptions(services, { tenantId: input.tenantId, userId });
}

export async function passkeyGrantRegister(services: Services, info: LoginRequestInfo, input: PasskeyGrantInput & { name?: string | undefined; credential: RegistrationBody }): Promise<void> {
  if (exactlyOne(input) === 'login') {
    const user = await loginNonceUser(services, input.tenantId, input.loginNonce!);
    await vaultVerifyRegistration(services, info, { tenantId: input.tenantId, userId: user._id, body: input.credential, name: input.name ?? null });
    return;
  }
  const { link, user } = await spendFor(services, info, { tenantId: input.tenantId, token: input.enrolmentToken!, purpose: 'enrolment', action: 'user.enrol' });
  try {
    await vaultVerifyRegistration(services, info, { tenantId: input.tenantId, userId: user._id, body: input.credential, name: input.name ?? null });
  } catch (error) {
    // A refused ceremony leaves the link usable: the person may try again or choose an image.
    await unspendLink(services.store, link).catch(() => undefined);
    throw error;
  }
  await confirmAddress(services, link, user);
  await audit(services, info, { tenantId: user.tenantId, userId: user._id, action: 'user.enrol', outcome: 'success', details: { method: 'passkey' } });
}
