/**
 * The Vault's rules for API keys (Create User Key, List My Keys, List User Keys, Regenerate) on top
 * of `identity.apiKeys`:
 *
 * - Scopes: the Vault's docs name `USER`, `USER:READ`, `CLIENT`, `CLIENT:READ`, `API_KEY:READ`;
 *   they are stored as the gateway's own scopes (scopes.ts), so the router's checks apply to them.
 *   A key never gets a scope its creator lacks (`*` only from a `*` holder). The platform scopes
 *   (`*`, `tenants:admin`, `gateway:*`: platform-scopes.ts) reach beyond one tenant, so they are
 *   granted only to keys of the default tenant, the platform's own, and only by a platform admin:
 *   a tenant's "all scopes" key must not become a key to every other tenant or to the operator API.
 * - Ownership: a key belongs to the calling user when the credential has one in that tenant;
 *   otherwise it is a tenant-level key (owner null, `user_id: ""` in the answers). Creating a key
 *   for oneself is account management and needs `account` (account-scope.ts), so a relying
 *   party's token cannot mint a key that outlives the login; creating a tenant-level key is key
 *   administration and needs `keys:write` (or a platform admin).
 * - Secrets: the value is returned once, by create and regenerate; no answer ever carries it or
 *   its hash (the spec's optional `key_hash` is left out on purpose).
 * - Regenerate: only by a caller holding every scope of the key, whoever it is (owner included),
 *   so that regeneration never hands anyone a more powerful key than they already have; and then
 *   by the key itself (rotating its own secret), by the owner's credential with `account`, or by a
 *   tenant key administrator (`keys:write`) or platform admin.
 */
import type { components } from '../../../generated/secrets-vault/schema.ts';
import { forbidden, validationError } from '../../http/errors.ts';
import { hasScope, PLATFORM_TENANT, type Principal } from '../../http/principal.ts';
import type { ApiKeyDoc } from '../../store/collections.ts';
import { ACCOUNT_SCOPE, mayManageOwnAccount } from './account-scope.ts';
import { accessInfo } from './access-info.ts';
import { isPlatformAdmin, userIdOf } from './admin-access.ts';
import { grantRefusal, holdsScope } from './platform-scopes.ts';

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
  const refusals = scopes.map((s) => [s, grantRefusal(creator, tenantId, s)] as const);
  const outsidePlatform = refusals.filter(([, r]) => r === 'platform_tenant_only').map(([s]) => s);
  if (outsidePlatform.length > 0) {
    throw forbidden(`Platform scopes (${outsidePlatform.join(' ')}) are granted only to keys of the ${PLATFORM_TENANT} tenant`);
  }
  const notAdmin = refusals.filter(([, r]) => r === 'platform_admin_only').map(([s]) => s);
  if (notAdmin.length > 0) throw forbidden(`Only a platform admin may grant platform scopes: ${notAdmin.join(' ')}`);
  const lacking = refusals.filter(([, r]) => r === 'not_held').map(([s]) => s);
  if (lacking.length > 0) throw forbidden(`A key cannot get scopes its creator lacks: ${lacking.join(' ')}`);
  return scopes;
}

/** Whether `principal` holds every scope of `key` (`*` only by `*`). */
function coversKey(principal: Principal, key: ApiKeyDoc): boolean {
  return key.scopes.every((s) => holdsScope(principal, s));
}

export function mayRegenerate(principal: Principal, key: ApiKeyDoc): boolean {
  if (!coversKey(principal, key)) return false;
  const sameTenant = key.tenantId === principal.tenantId;
  if (sameTenant && principal.kind === 'api_key' && principal.credentialId === key._id) return true;
  if (sameTenant && key.ownerId !== null && userIdOf(principal) === key.ownerId && mayManageOwnAccount(principal)) return true;
  return (sameTenant && hasScope(principal, KEY_ADMIN_SCOPE)) || isPlatformAdmin(principal);
}

/**
 * The owner of a key `creator` makes in `tenantId` (its own user there, else none), once the
 * creator may make it: its own key needs `account`, a tenant-level key `keys:write` (or a
 * platform admin). `tenantId` is already one the creator may administer (admin-access.ts).
 */
export function ownerForNewKey(creator: Principal, tenantId: string): string | null {
  const ownerId = tenantId === creator.tenantId ? (userIdOf(creator) ?? null) : null;
  if (ownerId !== null) {
    if (!mayManageOwnAccount(creator)) throw forbidden(`Creating a key for your account needs the ${ACCOUNT_SCOPE} scope`, { params: { missingScopes: ACCOUNT_SCOPE } });
  } else if (!hasScope(creator, KEY_ADMIN_SCOPE) && !isPlatformAdmin(creator)) {
    throw forbidden(`Creating a tenant-level key needs the ${KEY_ADMIN_SCOPE} scope`, { params: { missingScopes: KEY_ADMIN_SCOPE } });
  }
  return ownerId;
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
