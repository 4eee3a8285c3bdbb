/**
 * Devices of the Passkeys API: LoginID's `deviceInfo` (seed 003 DeviceInfo) plus the User-Agent,
 * recorded when a user registers or signs in, so the management API can say which users used a
 * device and which devices a user has. A client names its device by `deviceInfo.deviceId` (one this
 * API returned earlier, in the same application); an unknown or absent id makes a new device.
 * Fields are bounded: strings up to 256 characters, only DeviceInfo's own names kept.
 */
import { randomUUID } from 'node:crypto';
import type { LoginidDeviceDoc, Store } from '../../store/collections.ts';

const FIELDS = ['clientName', 'clientType', 'clientVersion', 'hasBluetooth', 'osArch', 'osName', 'osVersion', 'screenHeight', 'screenWidth', 'webauthnCapabilities'] as const;
const MAX_STRING = 256;
const MAX_USERS_PER_DEVICE = 100;

export type DeviceInfoInput = Partial<Record<(typeof FIELDS)[number] | 'deviceId' | 'lastUsedAt', unknown>>;

function cleanInfo(info: DeviceInfoInput): LoginidDeviceDoc['info'] {
  const out: LoginidDeviceDoc['info'] = {};
  for (const f of FIELDS) {
    const v = info[f];
    if (typeof v === 'string') out[f] = v.slice(0, MAX_STRING);
    else if (typeof v === 'number' && Number.isFinite(v)) out[f] = v;
    else if (typeof v === 'boolean') out[f] = v;
  }
  return out;
}

/** The device's id: the client's own when it names a device of this application, else a new device's. */
export async function recordDevice(
  store: Store,
  input: { tenantId: string; info: DeviceInfoInput; userAgent: string | null; userId: string | null },
  now = new Date(),
): Promise<string> {
  const claimed = typeof input.info.deviceId === 'string' ? input.info.deviceId : null;
  const set = { info: cleanInfo(input.info), userAgent: input.userAgent?.slice(0, 512) ?? null, lastUsedAt: now };
  if (claimed) {
    const updated = await store.loginidDevices.findOneAndUpdate(
      { _id: claimed, tenantId: input.tenantId },
      input.userId ? { $set: set, $addToSet: { userIds: input.userId } } : { $set: set },
      { returnDocument: 'after', projection: { _id: 1 } },
    );
    if (updated) return updated._id;
  }
  const doc: LoginidDeviceDoc = { _id: randomUUID(), tenantId: input.tenantId, ...set, userIds: input.userId ? [input.userId] : [], createdAt: now };
  await store.loginidDevices.insertOne(doc);
  return doc._id;
}

/** Adds the user to a device's users once the ceremony that named the device has succeeded. */
export async function addDeviceUser(store: Store, tenantId: string, deviceId: string, userId: string, now = new Date()): Promise<void> {
  await store.loginidDevices.updateOne(
    { _id: deviceId, tenantId, [`userIds.${MAX_USERS_PER_DEVICE - 1}`]: { $exists: false } },
    { $addToSet: { userIds: userId }, $set: { lastUsedAt: now } },
  );
}

export function getDevice(store: Store, tenantId: string, deviceId: string): Promise<LoginidDeviceDoc | null> {
  return store.loginidDevices.findOne({ _id: deviceId, tenantId });
}

export function userDevices(store: Store, tenantId: string, userId: string): Promise<LoginidDeviceDoc[]> {
  return store.loginidDevices.find({ tenantId, userIds: userId }).sort({ lastUsedAt: -1 }).limit(100).toArray();
}

/** A user deleted: no device lists it any more. */
export async function forgetDeviceUser(store: Store, tenantId: string, userId: string): Promise<void> {
  await store.loginidDevices.updateMany({ tenantId, userIds: userId }, { $pull: { userIds: userId } });
}

/** DeviceInfo as the API shows it. */
export function deviceInfoOf(doc: LoginidDeviceDoc): Record<string, string | number | boolean> {
  return { ...doc.info, deviceId: doc._id, lastUsedAt: doc.lastUsedAt.toISOString() };
}
