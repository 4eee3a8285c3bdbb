/**
 * The Vault's User (spec schema `User`) over the identity core's UserDoc, and the Vault's user list
 * query (filters, sort, paging) as store queries.
 *
 * Field mapping (the one place it is decided):
 *   user_id ↔ _id, username ↔ username, email ↔ email, is_disabled ↔ disabled,
 *   is_verified ↔ emailVerified (a Vault user is "verified" once its e-mail is confirmed; an
 *   unverified user's logins need a second step, inventory §5.3), external_id ↔ externalId,
 *   locale ↔ profile.locale, roles ↔ profile.roles (flat profile fields, so SCIM's `locale` and
 *   `roles` attributes can read the same values).
 */
import type { Filter, Sort } from 'mongodb';
import type { components } from '../../../generated/secrets-vault/schema.ts';
import { validationError } from '../../http/errors.ts';
import type { UserDoc } from '../../store/collections.ts';
import type { UserInput, UserPatch } from '../users.ts';

export type VaultUser = components['schemas']['User'];
export type UserSortField = components['schemas']['UserSortField'];

export function toVaultUser(doc: UserDoc): VaultUser {
  const locale = doc.profile.locale;
  const roles = doc.profile.roles;
  return {
    user_id: doc._id,
    username: doc.username,
    // The core allows users without an address (SCIM, passkeys); the spec's User requires one.
    email: doc.email ?? '',
    tenant_id: doc.tenantId,
    is_disabled: doc.disabled,
    is_verified: doc.emailVerified,
    created_at: doc.createdAt.toISOString(),
    updated_at: doc.updatedAt.toISOString(),
    locale: typeof locale === 'string' ? locale : null,
    roles: Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : null,
    external_id: doc.externalId,
  };
}

/**
 * A new user from the request body. The server assigns `user_id` (a fresh UUID): ids are global
 * keys, so honouring a chosen one would let a caller probe for, or collide with, another tenant's
 * user. `created_at` / `updated_at` are the server's.
 */
/**
 * Usernames made through the Vault follow the Vault's Register rule (RegisterRequest `username`
 * pattern), so every user an admin creates can also be typed into the login page. Users made by
 * other APIs (SCIM, passkeys) keep whatever those allow.
 */
export const VAULT_USERNAME_PATTERN = /^[a-zA-Z0-9_.@-]+$/;

export function usernameProblem(username: string): string | null {
  return VAULT_USERNAME_PATTERN.test(username) ? null : 'may contain only letters, digits and _ . @ -';
}

export function checkVaultUsername(username: string, path: (string | number)[] = ['username']): void {
  const problem = usernameProblem(username);
  if (problem) throw validationError([{ location: 'body', path, message: problem, type: 'value_error.str.regex' }]);
}

/** The core fields a Vault User body sets, on create and on update alike. */
function coreFieldsOf(body: VaultUser) {
  return {
    username: body.username,
    email: body.email,
    emailVerified: body.is_verified ?? false,
    disabled: body.is_disabled ?? false,
    externalId: body.external_id ?? null,
  };
}

export function userInputFromVault(body: VaultUser): UserInput {
  return {
    ...coreFieldsOf(body),
    profile: {
      ...(body.locale != null ? { locale: body.locale } : {}),
      ...(body.roles != null ? { roles: [...body.roles] } : {}),
    },
  };
}

/** Update User replaces the profile fields; a null or absent locale/roles removes them. */
export function userPatchFromVault(body: VaultUser): UserPatch {
  return {
    ...coreFieldsOf(body),
    profile: {
      locale: body.locale ?? undefined,
      roles: body.roles != null ? [...body.roles] : undefined,
    },
  };
}

/** Regular-expression metacharacters, escaped so that a search term is matched literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Case-insensitive "contains" on username and e-mail; an empty term is no filter (the spec's default ""). */
export function userListFilter(query: { username?: string; email?: string }): Filter<UserDoc> {
  const filter: Record<string, unknown> = {};
  if (query.username) filter.username = { $regex: escapeRegex(query.username), $options: 'i' };
  if (query.email) filter.email = { $regex: escapeRegex(query.email), $options: 'i' };
  return filter as Filter<UserDoc>;
}

const SORT_FIELD: Record<UserSortField, keyof UserDoc> = {
  created_at: 'createdAt',
  // Sorted on the normalised keys, so "alice" and "Bob" sort as a reader expects.
  username: 'usernameKey',
  email: 'emailKey',
};

/** `sort_direction` 1 ascending, -1 (default) descending; 0 reads as ascending. `_id` breaks ties so pages do not overlap. */
export function userListSort(sortBy: UserSortField = 'created_at', direction = -1): Sort {
  const dir = direction < 0 ? -1 : 1;
  return { [SORT_FIELD[sortBy]]: dir, _id: dir } as Sort;
}
