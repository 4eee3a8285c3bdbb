/**
 * The end of a registration this API started (reg/complete, mfa/passkey/reg): the core verifies
 * the new credential against the pending ceremony the session names (webauthn/registration.ts:
 * ceremony answered once, origin among the application's, RP ID, UV, the attestation); then this
 * API refuses a blacklisted authenticator model, creates the user of a first registration, stores
 * the passkey and records the device.
 */
import type { components } from '../../../generated/passkeys/schema.ts';
import { badRequest, conflict, forbidden } from '../../http/errors.ts';
import type { PasskeyCredentialDoc, TenantDoc } from '../../store/collections.ts';
import { IdentityError } from '../../identity/errors.ts';
import { isBlocked } from '../../identity/loginid/aaguids.ts';
import { relyingPartyOfApp } from '../../identity/loginid/apps.ts';
import { addDeviceUser } from '../../identity/loginid/devices.ts';
import type { CeremonySession } from '../../identity/loginid/tokens.ts';
import { challengeOf } from '../../identity/webauthn/ceremonies.ts';
import { saveRegisteredCredential, verifyRegistration } from '../../identity/webauthn/registration.ts';
import type { ApiContext } from '../types.ts';
import { deactivated } from './app-context.ts';
import { registrationOf } from './webauthn-json.ts';

export async function finishRegistration(
  context: ApiContext,
  s: CeremonySession,
  creationResult: components['schemas']['CreationResult'],
  passkeyName: string | null,
): Promise<{ tenant: TenantDoc; userId: string; username: string; credential: PasskeyCredentialDoc }> {
  const { services } = context;
  const { store, identity } = services;
  if (s.userId === null) throw badRequest('Invalid or expired session');
  const tenant = await identity.tenants.get(s.tenantId);
  if (tenant === null) throw badRequest('Invalid or expired session');
  const response = registrationOf(creationResult);
  if (challengeOf(response.response.clientDataJSON) !== s.challenge) throw badRequest('The credential does not answer this session\'s challenge');
  const existing = s.newUser ? null : await identity.users.get(tenant._id, s.userId);
  if (!s.newUser && (existing === null || existing.disabled)) throw deactivated();

  const verified = await verifyRegistration(
    store,
    { rp: relyingPartyOfApp(tenant, services.config.publicUrl), tenantId: tenant._id, binding: { session: s.ceremonySession }, name: passkeyName },
    response,
  );
  if (!verified.ok) throw badRequest(verified.detail);
  if (await isBlocked(store, tenant._id, verified.credential.aaguid, 'reg')) throw forbidden('This authenticator model is not allowed to register');

  let username = existing?.username ?? '';
  if (s.newUser) {
    try {
      const user = await identity.users.create(tenant._id, {
        id: s.userId,
        username: s.newUser.username,
        displayName: s.newUser.displayName,
        ...(s.newUser.usernameType === 'email' && s.newUser.username.includes('@') ? { email: s.newUser.username } : {}),
        profile: { loginidUsernameType: s.newUser.usernameType },
      });
      username = user.username;
    } catch (e) {
      if (e instanceof IdentityError && e.code === 'resource.conflict') throw conflict('This username was registered meanwhile');
      throw e;
    }
  }
  const saved = await saveRegisteredCredential(store, { ...verified.credential, createdFromDeviceId: s.deviceId, lastUsedFromDeviceId: s.deviceId });
  if (!saved.ok) throw saved.reason === 'already_registered' ? conflict(saved.detail) : badRequest(saved.detail);
  if (s.deviceId) await addDeviceUser(store, tenant._id, s.deviceId, s.userId);
  return { tenant, userId: s.userId, username, credential: saved.credential };
}
