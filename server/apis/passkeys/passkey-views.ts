/** Passkeys as the Passkeys API shows them (seed 003 Passkey, PasskeyInfo, UserPasskey). */
import type { components } from '../../../generated/passkeys/schema.ts';
import type { LoginidDeviceDoc, PasskeyCredentialDoc, UserDoc } from '../../store/collections.ts';
import { providerName } from '../../identity/loginid/aaguids.ts';
import { deviceInfoOf } from '../../identity/loginid/devices.ts';

type S = components['schemas'];

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

function provider(c: PasskeyCredentialDoc): { providerName?: string } {
  const name = providerName(c.aaguid);
  return name ? { providerName: name } : {};
}

/** A passkey of the signed-in user's list; the device it was last used from, when known. */
export function passkeyOf(c: PasskeyCredentialDoc, device: LoginidDeviceDoc | null): S['Passkey'] {
  return {
    id: c._id,
    name: c.name,
    createdAt: c.createdAt.toISOString(),
    aaguid: c.aaguid,
    credentialId: c.credentialId,
    credentialSynced: c.backedUp,
    ...(c.lastUsedAt ? { lastUsedAt: c.lastUsedAt.toISOString() } : {}),
    ...(device ? { lastUsedFrom: deviceInfoOf(device) as S['DeviceInfo'] } : {}),
    ...provider(c),
  };
}

export function passkeyInfoOf(c: PasskeyCredentialDoc): S['PasskeyInfo'] {
  return {
    id: c._id,
    name: c.name,
    createdAt: c.createdAt.toISOString(),
    aaguid: c.aaguid,
    ...(c.createdFromDeviceId ? { createdFromDeviceId: c.createdFromDeviceId } : {}),
    ...(c.lastUsedAt ? { lastUsedAt: iso(c.lastUsedAt) } : {}),
    ...(c.lastUsedFromDeviceId ? { lastUsedFromDeviceId: c.lastUsedFromDeviceId } : {}),
    ...provider(c),
  };
}

export function userPasskeyOf(c: PasskeyCredentialDoc): S['UserPasskey'] {
  const { id, ...rest } = passkeyInfoOf(c);
  return { passkeyId: id, ...rest } as S['UserPasskey'];
}

/** LoginID's usernames of a user: its username with the type it was registered with. */
export function mgmtUserOf(user: UserDoc): S['MgmtUser'] {
  const t = user.profile.loginidUsernameType;
  const usernameType = t === 'email' || t === 'phone' ? t : user.username.includes('@') ? 'email' : 'other';
  return { userId: user._id, usernames: [{ username: user.username, usernameType }] };
}
