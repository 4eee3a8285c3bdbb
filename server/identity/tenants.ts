/**
 * Tenants: the isolation unit of every API (a Vault tenant, a LoginID application, an org).
 * Each API keeps its own configuration under `settings.<api>`, updated without touching the others'.
 */
import { storeSkip } from '../store/paging.ts';
import type { Store, TenantDoc } from '../store/collections.ts';
import type { Clock } from './clock.ts';
import { IdentityError, isDuplicateKeyError } from './errors.ts';
import { openRecordCaches, tenantWritten } from './cached-records.ts';
import { VERSION_BUMP } from './record-cache.ts';

/** Tenant ids appear in URLs and issuers (`/api/oidc/{tenant_id}`), so they are URL-safe slugs. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface TenantService {
  create(input: { id: string; name?: string; settings?: Record<string, unknown> }): Promise<TenantDoc>;
  /** From the record cache (cached-records.ts): frozen, at most one TTL behind another instance's change. */
  get(tenantId: string): Promise<TenantDoc | null>;
  /**
   * Whether the tenant exists, for the check every request naming a tenant makes. No tenant is
   * ever deleted, so a yes is remembered for a minute; an id that cannot be a tenant id is a no
   * without a read.
   */
  exists(tenantId: string): Promise<boolean>;
  list(options?: { skip?: number; limit?: number }): Promise<{ items: TenantDoc[]; total: number }>;
  /** Renames and/or replaces whole per-API settings sections (`{ vault: {...} }` replaces `settings.vault` only). */
  update(tenantId: string, patch: { name?: string; settings?: Record<string, unknown> }): Promise<TenantDoc | null>;
}

const EXISTS_TTL_MS = 60_000;
const EXISTS_CACHE_MAX = 10_000;

export function createTenantService(store: Store, clock: Clock, cacheTtlMs?: number): TenantService {
  const known = new Map<string, number>();
  const cache = openRecordCaches(store, clock, cacheTtlMs).tenants;
  return {
    async create({ id, name, settings }) {
      if (!TENANT_ID_PATTERN.test(id)) throw new IdentityError('request.invalid', 'tenant id must be 1-64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit');
      const now = clock();
      const doc: TenantDoc = { _id: id, name: name ?? id, settings: settings ?? {}, createdAt: now, updatedAt: now };
      try {
        await store.tenants.insertOne(doc);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new IdentityError('resource.conflict', `tenant ${id} already exists`);
        throw error;
      }
      return doc;
    },

    get: (tenantId) => cache.get(tenantId),

    async exists(tenantId) {
      if (!TENANT_ID_PATTERN.test(tenantId)) return false;
      const now = clock().getTime();
      if ((known.get(tenantId) ?? 0) > now) return true;
      const found = (await store.tenants.findOne({ _id: tenantId }, { projection: { _id: 1 } })) !== null;
      if (found) {
        if (known.size >= EXISTS_CACHE_MAX) known.clear();
        known.set(tenantId, now + EXISTS_TTL_MS);
      }
      return found;
    },

    async list({ skip = 0, limit = 100 } = {}) {
      const [items, total] = await Promise.all([
        store.tenants.find({}).sort({ _id: 1 }).skip(storeSkip(skip)).limit(limit).toArray(),
        store.tenants.countDocuments({}),
      ]);
      return { items, total };
    },

    async update(tenantId, { name, settings }) {
      const set: Record<string, unknown> = { updatedAt: clock() };
      if (name !== undefined) set.name = name;
      for (const [section, value] of Object.entries(settings ?? {})) {
        if (section.includes('.') || section.startsWith('$')) throw new IdentityError('request.invalid', 'settings section names cannot contain "." or start with "$"');
        set[`settings.${section}`] = value;
      }
      const updated = await store.tenants.findOneAndUpdate({ _id: tenantId }, { $set: set, ...VERSION_BUMP }, { returnDocument: 'after' });
      tenantWritten(store, tenantId);
      return updated;
    },
  };
}
