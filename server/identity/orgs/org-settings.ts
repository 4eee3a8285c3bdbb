/**
 * The token-exchange API's per-org settings, in the tenant's `settings.tokenExchange` section:
 * e-mail allow rules (email-rules.ts) and the clients whose tokens may be exchanged
 * (federation/exchange-clients.ts). Each field is written on its own (`$set` of one path), so
 * two operators changing different fields at once do not undo each other.
 */
import type { Store, TenantDoc } from '../../store/collections.ts';
import { tenantWritten } from '../cached-records.ts';
import { VERSION_BUMP } from '../record-cache.ts';

export const SETTINGS_SECTION = 'tokenExchange';

export function orgSetting(tenant: Pick<TenantDoc, 'settings'>, field: string): unknown {
  const section = tenant.settings?.[SETTINGS_SECTION];
  return section !== null && typeof section === 'object' ? (section as Record<string, unknown>)[field] : undefined;
}

export async function setOrgSettings(store: Store, tenantId: string, fields: Record<string, unknown>, now: Date): Promise<boolean> {
  const set: Record<string, unknown> = { updatedAt: now };
  for (const [field, value] of Object.entries(fields)) set[`settings.${SETTINGS_SECTION}.${field}`] = value;
  const result = await store.tenants.updateOne({ _id: tenantId }, { $set: set, ...VERSION_BUMP });
  tenantWritten(store, tenantId);
  return result.matchedCount === 1;
}
