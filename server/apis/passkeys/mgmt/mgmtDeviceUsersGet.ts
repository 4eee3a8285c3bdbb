/** GET /mgmt/device/{deviceId}: a device of the key's application and the users who used it. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { components } from '../../../../generated/passkeys/schema.ts';
import { notFound } from '../../../http/errors.ts';
import { deviceInfoOf, getDevice } from '../../../identity/loginid/devices.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { mgmtUserOf } from '../passkey-views.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtDeviceUsersGet: H['mgmtDeviceUsersGet'] = async ({ params, principal, context }) => {
  const { store } = context.services;
  const device = await getDevice(store, principal.tenantId, params.deviceId);
  if (device === null) throw notFound('Device not found');
  const users = await store.users.find({ tenantId: principal.tenantId, _id: { $in: device.userIds } }).toArray();
  return { status: 200, body: { deviceInfo: deviceInfoOf(device) as components['schemas']['DeviceInfo'], users: users.map(mgmtUserOf) } };
};
