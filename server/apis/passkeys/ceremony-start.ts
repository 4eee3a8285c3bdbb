/**
 * Starting a registration or an authentication: the core's options and pending ceremony
 * (webauthn/registration.ts, authentication.ts) for the application's relying party, the device the
 * client names, and this API's signed `session` around the core's ceremony session (tokens.ts).
 * Used by reg/init, auth/init, tx/init and mgmt/discover.
 */
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { TenantDoc } from '../../store/collections.ts';
import { relyingPartyOfApp } from '../../identity/loginid/apps.ts';
import { recordDevice, type DeviceInfoInput } from '../../identity/loginid/devices.ts';
import { issueSession } from '../../identity/loginid/tokens.ts';
import { authenticationOptions } from '../../identity/webauthn/authentication.ts';
import { registrationOptions, type RegistrationUser, type UserVerification } from '../../identity/webauthn/registration.ts';
import type { ApiContext } from '../types.ts';

export async function beginRegistration(
  context: ApiContext,
  tenant: TenantDoc,
  input: {
    user: RegistrationUser;
    /** LoginID's username type of a user the registration creates */
    usernameType: string;
    deviceInfo: DeviceInfoInput;
    userVerification: UserVerification;
    attachment?: 'platform' | 'cross-platform';
  },
): Promise<{ options: PublicKeyCredentialCreationOptionsJSON; session: string }> {
  const { services } = context;
  const rp = relyingPartyOfApp(tenant, services.config.publicUrl);
  const { options, session: ceremonySession } = await registrationOptions(services.store, {
    rp,
    rpName: rp.name,
    tenantId: tenant._id,
    user: input.user,
    userVerification: input.userVerification,
    ...(input.attachment ? { attachment: input.attachment } : {}),
  });
  const deviceId = await recordDevice(services.store, { tenantId: tenant._id, info: input.deviceInfo, userAgent: context.userAgent || null, userId: null });
  const session = await issueSession(services.identity.tokens, services.config.publicUrl, {
    purpose: 'reg',
    tenantId: tenant._id,
    challenge: options.challenge,
    ceremonySession,
    userId: input.user.id,
    newUser: input.user.exists ? null : { username: input.user.name, displayName: input.user.displayName, usernameType: input.usernameType },
    deviceId,
  });
  return { options, session };
}

export async function beginAuthentication(
  context: ApiContext,
  tenant: TenantDoc,
  input: { byUsername: boolean; userId: string | null; deviceInfo: DeviceInfoInput | null; transaction?: { id: string; hash: string } },
): Promise<{ options: PublicKeyCredentialRequestOptionsJSON; session: string }> {
  const { services } = context;
  const { options, session: ceremonySession } = await authenticationOptions(services.store, {
    rp: relyingPartyOfApp(tenant, services.config.publicUrl),
    tenantId: tenant._id,
    byUsername: input.byUsername,
    userId: input.userId,
    userVerification: 'required',
    ...(input.transaction ? { transaction: input.transaction } : {}),
  });
  const deviceId = input.deviceInfo
    ? await recordDevice(services.store, { tenantId: tenant._id, info: input.deviceInfo, userAgent: context.userAgent || null, userId: null })
    : null;
  const session = await issueSession(services.identity.tokens, services.config.publicUrl, {
    purpose: input.transaction ? 'tx' : 'auth',
    tenantId: tenant._id,
    challenge: options.challenge,
    ceremonySession,
    userId: input.userId,
    deviceId,
  });
  return { options, session };
}
