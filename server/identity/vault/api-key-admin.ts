/**
 * The Vault's rules for API keys (Create User Key, List My Keys, List User Keys, Regenerate) on top
 * of `identity.apiKeys`:
 *
 * - Scopes: the Vault's docs name `USER`, `USER:READ`, `CLIENT`, `CLIENT:READ`, `API_KEY:READ`;
 *   they are stored as the gateway's own scopes (scopes.ts), so the router's checks apply to them.
 *   A key never gets a scope its creator lacks (`*` only from a `*` holder). The platform scopes
 *   (`*`, `tenants:admin`) reach every tenant (the router lets them past the tenant guard), so they
 *   are granted only to keys of the default tenant, the platform's own: a tenant's "all scopes" key
 *   must not become a key to every other tenant.
 * - Ownership: a key belongs to the calling user when the credential has one in that tenant;
 *   otherwise it is a tenant-level key (owner null, `user_id: ""` in the answers).
 * - Secrets: the value is returned once, by create and regenerate; no answer ever carries it or
 *   its hash (the spec's optional `key_hash` is left out on purpose).
 * - Regenerate: by the key's owner, by the key itself, or by a tenant key administrator (scope
 *   `keys:write`) or platform admin who holds every scope of the key, so that regeneration cannot
 *   hand anyone a more powerful key than they already have.
 */
import type { components } from '../../../generated/secrets-vault/schema.ts';
import { forbidden, validationError } from '../../http/errors.ts';
import { hasScope, type Principal } from '../../http/principal.ts';
import type { ApiKeyDoc } from '../../store/collections.ts';
import { ALL_SCOPES } from '../api-keys.ts';
import { DEFAULT_TENANT_ID } from '../bootstrap.ts';
import { accessInfo } from './access-info.ts';
import { PLATFORM_ADMIN_SCOPE, isPlatformAdmin, userIdOf } from './admin-access.ts';

export type ApiKeyInfo = components['schemas']['ApiKeyInfo'];
export type ApiKeyCreated = components['schemas']['ApiKeyCreated'];

export const KEY_ADMIN_SCOPE = 'keys:write';
export const MAX_KEY_SCOPES = 64;
const SCOPE_PATTERN = /^(\*|[A-Za-z0-9_.:-]{1,64})$/;

/** The docs' scope names and the gateway scopes they stand for. */
export const SCOPE_ALIASES: Readonly<Record<string, readonly string[]>> = {
  USER: ['users:read', 'users:write'],
  'USER:READ': ['users:read'],
  CLIENT: ['clients:read', 'clients:write'],
  'CLIENT:READ': ['clients:read'],
  API_KEY: ['keys:read', 'keys:write'],
  'API_KEY:READ': ['keys:read'],
};

/** Expands aliases, removes repeats, and refuses malformed names and scopes the creator lacks. */
export function scopesForNewKey(creator: Principal, tenantId: string, requested: readonly string[]): string[] {
  if (requested.length > MAX_KEY_SCOPES) {
    throw validationError([{ location: 'body', path: ['scopes'], message: `at most ${MAX_KEY_SCOPES} scopes`, type: 'too_long' }]);
  }
  const bad = requested.map((s, i) => [s, i] as const).filter(([s]) => !SCOPE_PATTERN.test(s));
  if (bad.length > 0) {
    throw validationError(bad.map(([, i]) => ({ location: 'body' as const, path: ['scopes', i], message: 'is not a scope name', type: 'value_error' })));
  }
  const scopes = [...new Set(requested.flatMap((s) => SCOPE_ALIASES[s] ?? [s]))];
  const platform = scopes.filter((s) => s === ALL_SCOPES || s === PLATFORM_ADMIN_SCOPE);
  if (platform.length > 0 && tenantId !== DEFAULT_TENANT_ID) {
    throw forbidden(`Platform scopes (${platform.join(' ')}) are granted only to keys of the ${DEFAULT_TENANT_ID} tenant`);
  }
  const lacking = scopes.filter((s) => (s === ALL_SCOPES ? !creator.scopes.includes(ALL_SCOPES) : !hasScope(creator, s)));
  if (lacking.length > 0) throw forbidden(`A key cannot get scopes its creator lacks: ${lacking.join(' ')}`);
  return scopes;
}

/** Whether `principal` holds every scope of `key` (`*` only by `*`). */
function coversKey(principal: Principal, key: ApiKeyDoc): boolean {
  return key.scopes.every((s) => (s === ALL_SCOPES ? principal.scopes.includes(ALL_SCOPES) : hasScope(principal, s)));
}

export function mayRegenerate(principal: Principal, key: ApiKeyDoc): boolean {
  const sameTenant = key.tenantId === principal.tenantId;
  if (sameTenant && principal.credentialId === key._id) return true;
  if (sameTenant && key.ownerId !== null && userIdOf(principal) === key.ownerId) return true;
  const admin = (sameTenant && hasScope(principal, KEY_ADMIN_SCOPE)) || isPlatformAdmin(principal);
  return admin && coversKey(principal, key);
}

export function isActive(key: ApiKeyDoc, now: Date): boolean {
  return key.revokedAt === null && (key.expiresAt === null || key.expiresAt.getTime() > now.getTime());
}

export function toApiKeyInfo(key: ApiKeyDoc, username: string, now: Date): ApiKeyInfo {
  return {
    key_id: key._id,
    user_id: key.ownerId ?? '',
    tenant_id: key.tenantId,
    created_at: accessInfo(key.createdAt, null, null),
    name: key.name,
    scopes: [...key.scopes],
    last_use_at: key.lastUsedAt === null ? null : accessInfo(key.lastUsedAt, key.lastUsedIp, key.lastUsedUserAgent),
    is_active: isActive(key, now),
    username,
  };
}

export function toApiKeyCreated(key: ApiKeyDoc, value: string, now: Date): ApiKeyCreated {
  const { username: _unused, ...info } = toApiKeyInfo(key, '', now);
  void _unused;
  return { ...info, api_key: value };
}
