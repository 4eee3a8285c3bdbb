/** A user's deletion through this API (mgmt/user DELETE, profile DELETE): the core's rule, then this API's device entries. */
import { notFound } from '../../http/errors.ts';
import { forgetDeviceUser } from '../../identity/loginid/devices.ts';
import { removeUserTraces } from '../../identity/user-removal.ts';
import type { ApiContext } from '../types.ts';

export async function deleteUser(context: ApiContext, tenantId: string, userId: string): Promise<void> {
  const { store, identity } = context.services;
  const deleted = await identity.users.delete(tenantId, userId);
  if (!deleted) throw notFound('User not found');
  await removeUserTraces(store, identity.apiKeys, tenantId, userId);
  await forgetDeviceUser(store, tenantId, userId);
  await store.loginidOtps.deleteMany({ tenantId, userId });
}
