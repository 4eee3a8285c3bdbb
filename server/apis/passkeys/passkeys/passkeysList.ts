/** GET /passkeys: the signed-in user's passkeys (passkey:read). */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { listUserCredentials } from '../../../identity/webauthn/credentials.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { userOfToken } from '../app-context.ts';
import { passkeyOf } from '../passkey-views.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const passkeysList: H['passkeysList'] = async ({ principal, context }) => {
  const { store } = context.services;
  const user = await userOfToken(context, principal);
  const credentials = await listUserCredentials(store, user.tenantId, user._id);
  const deviceIds = [...new Set(credentials.map((c) => c.lastUsedFromDeviceId).filter((d): d is string => typeof d === 'string'))];
  const devices = new Map((await store.loginidDevices.find({ tenantId: user.tenantId, _id: { $in: deviceIds } }).toArray()).map((d) => [d._id, d]));
  return { status: 200, body: credentials.map((c) => passkeyOf(c, c.lastUsedFromDeviceId ? devices.get(c.lastUsedFromDeviceId) ?? null : null)) };
};
