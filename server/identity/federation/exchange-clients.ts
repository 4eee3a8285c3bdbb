/**
 * Which of a tenant's OpenID clients may have their tokens exchanged by the token-exchange API
 * (trusted-issuers.ts), in the org settings (orgs/org-settings.ts) `exchangeClients`: null or
 * absent = every client of the tenant, a list = only those (empty: none).
 */
import type { Store, TenantDoc } from '../../store/collections.ts';
import { IdentityError } from '../errors.ts';
import { orgSetting, setOrgSettings } from '../orgs/org-settings.ts';

const MAX_CLIENTS = 100;

export function exchangeClientsOf(tenant: Pick<TenantDoc, 'settings'>): string[] | null {
  const list = orgSetting(tenant, 'exchangeClients');
  return Array.isArray(list) ? list.filter((c): c is string => typeof c === 'string') : null;
}

export async function setExchangeClients(store: Store, tenantId: string, clientIds: string[] | null, now: Date): Promise<string[] | null> {
  const list = clientIds === null ? null : [...new Set(clientIds)];
  if (list !== null && (list.length > MAX_CLIENTS || list.some((c) => c === ''))) throw new IdentityError('request.invalid', `at most ${MAX_CLIENTS} non-empty client ids`);
  await setOrgSettings(store, tenantId, { exchangeClients: list }, now);
  return list;
}
