/**
 * Users of a tenant, shared by every API: a user enrolled through the Passkeys API is the same
 * record the Vault's OpenID provider logs in.
 *
 * Username rules: 1 to 128 characters (the Vault's User schema), kept as given for display, and
 * compared case-insensitively: uniqueness and lookups use `usernameKey` = NFC-normalised, lower-cased
 * username, so "Alice" and "alice" cannot be two accounts of one tenant. E-mail addresses are looked
 * up lower-cased and are not unique.
 *
 * Tenant isolation: every function takes the tenant id and every query filters on it.
 *
 * Disabling: an update that disables a user also ends the user's sessions and revokes the user's
 * refresh tokens (sessions.ts); API keys of a disabled user are refused by authentication.
 */
import { storeSkip } from '../store/paging.ts';
import { randomUUID } from 'node:crypto';
import type { Filter, Sort } from 'mongodb';
import type { Store, UserDoc } from '../store/collections.ts';
import type { Clock } from './clock.ts';
import { IdentityError, isDuplicateKeyError } from './errors.ts';
import { endUserSessions } from './sessions.ts';

export const USERNAME_MAX = 128;

export function usernameKey(username: string): string {
  return username.normalize('NFC').toLowerCase();
}

export function emailKey(email: string | null): string | null {
  return email === null ? null : email.trim().toLowerCase();
}

export interface UserInput {
  username: string;
  email?: string | null;
  emailVerified?: boolean;
  phone?: string | null;
  displayName?: string;
  disabled?: boolean;
  externalId?: string | null;
  profile?: Record<string, unknown>;
  /** Lets an API keep an id it was given (SCIM imports, the Vault's user_id); default a fresh uuid. */
  id?: string;
}

export type UserPatch = Partial<Omit<UserInput, 'id' | 'profile'>> & {
  /** Profile fields to set; a value of `undefined` removes the field. */
  profile?: Record<string, unknown>;
};

export interface UserListOptions {
  /** Extra conditions on user fields (the tenant filter is always added). */
  filter?: Filter<UserDoc>;
  sort?: Sort;
  skip?: number;
  limit?: number;
}

export interface UserService {
  create(tenantId: string, input: UserInput): Promise<UserDoc>;
  get(tenantId: string, userId: string): Promise<UserDoc | null>;
  getByUsername(tenantId: string, username: string): Promise<UserDoc | null>;
  findByEmail(tenantId: string, email: string): Promise<UserDoc[]>;
  /**
   * In one query, the user of `account` (when given) and, when `email` is given, every tenant's
   * users with that address (at most `limit` of those), by tenant then age: one person's accounts
   * across tenants.
   */
  findByAccountOrEmail(account: { tenantId: string; userId: string } | null, email: string | null, limit?: number): Promise<{ account: UserDoc | null; byEmail: UserDoc[] }>;
  list(tenantId: string, options?: UserListOptions): Promise<{ items: UserDoc[]; total: number }>;
  /** Applies `patch`; with `expectedVersion`, only if the record is still at that version (else null). */
  update(tenantId: string, userId: string, patch: UserPatch, options?: { expectedVersion?: number }): Promise<UserDoc | null>;
  setDisabled(tenantId: string, userId: string, disabled: boolean): Promise<UserDoc | null>;
  delete(tenantId: string, userId: string): Promise<boolean>;
}

function checkUsername(username: string): void {
  if (typeof username !== 'string' || username.length < 1 || username.length > USERNAME_MAX) {
    throw new IdentityError('request.invalid', `username must be 1 to ${USERNAME_MAX} characters`);
  }
}

function conflictOnDuplicate(error: unknown): never {
  if (isDuplicateKeyError(error)) throw new IdentityError('resource.conflict', 'username already exists in this tenant');
  throw error;
}

export function createUserService(store: Store, clock: Clock): UserService {
  const service: UserService = {
    async create(tenantId, input) {
      checkUsername(input.username);
      const now = clock();
      const email = input.email ?? null;
      const doc: UserDoc = {
        _id: input.id ?? randomUUID(),
        tenantId,
        username: input.username,
        usernameKey: usernameKey(input.username),
        email,
        emailKey: emailKey(email),
        emailVerified: input.emailVerified ?? false,
        phone: input.phone ?? null,
        displayName: input.displayName ?? input.username,
        disabled: input.disabled ?? false,
        externalId: input.externalId ?? null,
        profile: input.profile ?? {},
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await store.users.insertOne(doc);
      } catch (error) {
        conflictOnDuplicate(error);
      }
      return doc;
    },

    get: (tenantId, userId) => store.users.findOne({ _id: userId, tenantId }),

    getByUsername: (tenantId, username) => store.users.findOne({ tenantId, usernameKey: usernameKey(username) }),

    findByEmail: (tenantId, email) => store.users.find({ tenantId, emailKey: emailKey(email) }).toArray(),

    async findByAccountOrEmail(account, email, limit = 1000) {
      const byAccount = account === null ? null : { _id: account.userId, tenantId: account.tenantId };
      const key = email === null ? null : emailKey(email);
      if (key === null) return { account: byAccount === null ? null : await store.users.findOne(byAccount), byEmail: [] };
      const found = await store.users
        .find(byAccount === null ? { emailKey: key } : { $or: [byAccount, { emailKey: key }] })
        .sort({ tenantId: 1, createdAt: 1 })
        .limit(limit + 1)
        .toArray();
      const isAccount = (u: UserDoc) => byAccount !== null && u._id === byAccount._id && u.tenantId === byAccount.tenantId;
      let own = found.find(isAccount) ?? null;
      // Cut off by the limit behind more than `limit` others with the address: read it by itself.
      if (own === null && byAccount !== null && found.length > limit) own = await store.users.findOne(byAccount);
      return { account: own, byEmail: found.filter((u) => u.emailKey === key).slice(0, limit) };
    },

    async list(tenantId, { filter = {}, sort = { createdAt: 1, _id: 1 } as Sort, skip = 0, limit = 100 } = {}) {
      const query = { ...filter, tenantId } as Filter<UserDoc>;
      const [items, total] = await Promise.all([
        store.users.find(query).sort(sort).skip(storeSkip(skip)).limit(limit).toArray(),
        store.users.countDocuments(query),
      ]);
      return { items, total };
    },

    async update(tenantId, userId, patch, { expectedVersion } = {}) {
      const set: Record<string, unknown> = { updatedAt: clock() };
      const unset: Record<string, ''> = {};
      if (patch.username !== undefined) {
        checkUsername(patch.username);
        set.username = patch.username;
        set.usernameKey = usernameKey(patch.username);
      }
      if (patch.email !== undefined) {
        set.email = patch.email;
        set.emailKey = emailKey(patch.email);
      }
      for (const field of ['emailVerified', 'phone', 'displayName', 'disabled', 'externalId'] as const) {
        if (patch[field] !== undefined) set[field] = patch[field];
      }
      for (const [field, value] of Object.entries(patch.profile ?? {})) {
        if (field.includes('.') || field.startsWith('$')) throw new IdentityError('request.invalid', 'profile field names cannot contain "." or start with "$"');
        if (value === undefined) unset[`profile.${field}`] = '';
        else set[`profile.${field}`] = value;
      }
      const guard: Filter<UserDoc> = { _id: userId, tenantId };
      if (expectedVersion !== undefined) guard.version = expectedVersion;
      const update = { $set: set, $inc: { version: 1 }, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) };
      let updated: UserDoc | null;
      try {
        updated = await store.users.findOneAndUpdate(guard, update, { returnDocument: 'after' });
      } catch (error) {
        return conflictOnDuplicate(error);
      }
      // Here, not in each API: every path that disables a user (the Vault's Update User, SCIM
      // active=false, setDisabled) comes through this update, so none can forget to cut the
      // user's sessions and tokens (sessions.ts). Repeating it for an already disabled user
      // is harmless and also ends a session that raced with the first disable.
      if (updated !== null && patch.disabled === true) await endUserSessions(store, tenantId, userId, 'user_disabled', clock());
      return updated;
    },

    setDisabled(tenantId, userId, disabled) {
      return service.update(tenantId, userId, { disabled });
    },

    async delete(tenantId, userId) {
      const result = await store.users.deleteOne({ _id: userId, tenantId });
      return result.deletedCount === 1;
    },
  };
  return service;
}
