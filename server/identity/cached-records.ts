/**
 * The record caches of one store (record-cache.ts says the rule): tenants by id and OAuth clients
 * by tenant and client id. One set per Store, so two gateways in one process (as tests run them)
 * keep apart what each has seen, like two instances. Any code that writes these collections
 * directly, outside tenants.ts and clients.ts, calls `tenantWritten` / `clientWritten` (and adds
 * VERSION_BUMP to its update).
 */
import type { ClientDoc, Store, TenantDoc } from '../store/collections.ts';
import type { Clock } from './clock.ts';
import { RecordCache } from './record-cache.ts';

export interface RecordCaches {
  tenants: RecordCache<TenantDoc>;
  clients: RecordCache<ClientDoc>;
}

/** How long a cached record is served before its version is checked again. */
export const RECORD_CACHE_TTL_MS = 1000;
const MAX_ENTRIES = 10_000;
const STAMP = { projection: { _id: 0, version: 1, updatedAt: 1 } } as const;

const registry = new WeakMap<Store, RecordCaches>();

const clientKey = (tenantId: string, clientId: string) => JSON.stringify([tenantId, clientId]);

export function openRecordCaches(store: Store, clock: Clock, ttlMs = RECORD_CACHE_TTL_MS): RecordCaches {
  const existing = registry.get(store);
  if (existing) return existing;
  const fromKey = (key: string) => JSON.parse(key) as [string, string];
  const caches: RecordCaches = {
    tenants: new RecordCache<TenantDoc>({
      ttlMs,
      maxEntries: MAX_ENTRIES,
      clock,
      load: (id) => store.tenants.findOne({ _id: id }),
      stamp: (id) => store.tenants.findOne({ _id: id }, STAMP),
    }),
    clients: new RecordCache<ClientDoc>({
      ttlMs,
      maxEntries: MAX_ENTRIES,
      clock,
      load: (key) => {
        const [tenantId, clientId] = fromKey(key);
        return store.clients.findOne({ tenantId, clientId });
      },
      stamp: (key) => {
        const [tenantId, clientId] = fromKey(key);
        return store.clients.findOne({ tenantId, clientId }, STAMP);
      },
    }),
  };
  registry.set(store, caches);
  return caches;
}

export const cachedClient = (caches: RecordCaches, tenantId: string, clientId: string) => caches.clients.get(clientKey(tenantId, clientId));

export function tenantWritten(store: Store, tenantId: string): void {
  registry.get(store)?.tenants.invalidate(tenantId);
}

export function clientWritten(store: Store, tenantId: string, clientId: string): void {
  registry.get(store)?.clients.invalidate(clientKey(tenantId, clientId));
}
