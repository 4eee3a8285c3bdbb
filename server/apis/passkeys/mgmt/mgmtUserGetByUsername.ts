/** GET /mgmt/user?username=: a user of the key's application with its devices and passkeys. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { userDevices } from '../../../identity/loginid/devices.ts';
import { listUserCredentials } from '../../../identity/webauthn/credentials.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { userByName } from '../app-context.ts';
import { mgmtUserOf, userPasskeyOf } from '../passkey-views.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtUserGetByUsername: H['mgmtUserGetByUsername'] = async ({ query, principal, context }) => {
  const { store } = context.services;
  const user = await userByName(context, principal.tenantId, query.username);
  const [devices, passkeys] = await Promise.all([userDevices(store, user.tenantId, user._id), listUserCredentials(store, user.tenantId, user._id)]);
  return {
    status: 200,
    body: {
      user: mgmtUserOf(user),
      devices: devices.map((d) => ({
        deviceId: d._id,
        createdAt: d.createdAt.toISOString(),
        lastUsedAt: d.lastUsedAt.toISOString(),
        name: [d.info.clientName, d.info.osName].filter((v) => typeof v === 'string' && v).join(' on ') || 'Unknown device',
      })),
      passkeys: passkeys.map(userPasskeyOf),
    },
  };
};
