/**
 * SCIM Groups of a tenant in the `scimGroups` collection, shared by every API that serves SCIM
 * Groups. displayName is unique per tenant, compared case-insensitively (`displayNameKey`), and a
 * taken one is 409 `uniqueness`. Every change bumps `version` and, given the version it read, is
 * one guarded single-document update. Members are users of the same tenant (`resolveMembers`).
 */
import { storeSkip } from '../../store/paging.ts';
import { randomUUID } from 'node:crypto';
import type { Filter } from 'mongodb';
import type { ScimGroupDoc, Store, UserDoc } from '../../store/collections.ts';
import { isDuplicateKeyError } from '../errors.ts';
import { invalidValue, tooMany, uniqueness } from './errors.ts';

export type GroupMember = ScimGroupDoc['members'][number];

export interface GroupData {
  displayName: string;
  externalId: string | null;
  members: GroupMember[];
}

export function displayNameKey(displayName: string): string {
  return displayName.normalize('NFC').toLowerCase();
}

function duplicateToUniqueness(error: unknown, displayName: string): never {
  if (isDuplicateKeyError(error)) throw uniqueness(`a group named ${displayName} already exists in this tenant`);
  throw error;
}

/**
 * Most members a group may have, and so most member ids one request may name (RFC 7644 leaves
 * limits to the service provider). A POST or PUT naming more is refused before any work
 * (`checkMemberCount`); a PATCH is bounded by patch.ts's limits before it is applied, and a
 * result over this cap is refused here.
 */
export const MAX_MEMBERS_PER_REQUEST = 10_000;

/** The tenant's users among `ids` (one `$in`, served by the `_id` index). */
async function usersByIds(store: Store, tenantId: string, ids: readonly string[]): Promise<Pick<UserDoc, '_id' | 'username'>[]> {
  return store.users.find({ tenantId, _id: { $in: [...ids] } } as Filter<UserDoc>, { projection: { _id: 1, username: 1 } }).toArray();
}

/** 400 `tooMany` for a Group resource (POST or PUT body) naming more members than a group may have, before it is read further. */
export function checkMemberCount(members: unknown): void {
  if (Array.isArray(members) && members.length > MAX_MEMBERS_PER_REQUEST) {
    throw tooMany(`a group has at most ${MAX_MEMBERS_PER_REQUEST} members; this request names ${members.length}`);
  }
}

/**
 * Member references checked against the tenant's users: an id of nobody, or of another tenant's
 * user, is 400 `invalidValue` with the same message, so the answer reveals nothing about other
 * tenants. `display` is the user's userName. `known` holds users already looked up for this
 * change (`liveUsers` of the version being changed): only the other ids are fetched. A user
 * deleted since is taken out of its groups with a version bump (`removeMember`), so the guarded
 * write of this change misses and the change is made again on fresh data.
 */
export async function resolveMembers(store: Store, tenantId: string, ids: readonly string[], known: ReadonlyMap<string, string> = new Map()): Promise<GroupMember[]> {
  const unique = [...new Set(ids)];
  if (unique.length > MAX_MEMBERS_PER_REQUEST) throw tooMany(`a group has at most ${MAX_MEMBERS_PER_REQUEST} members; this one would have ${unique.length}`);
  if (unique.length === 0) return [];
  const users = await usersByIds(store, tenantId, unique.filter((id) => !known.has(id)));
  const byId = new Map(users.map((u) => [u._id, u.username]));
  for (const id of unique) {
    const username = known.get(id);
    if (username !== undefined) byId.set(id, username);
  }
  const unknown = unique.filter((id) => !byId.has(id));
  if (unknown.length > 0) throw invalidValue(`members: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a user' : 'are not users'} of this tenant`);
  return unique.map((id) => ({ value: id, display: byId.get(id) ?? null, type: 'User' as const }));
}

/** The userNames of resolved members by id, as `liveUsers` gives them (no query: they were just looked up). */
export function usersOf(members: readonly GroupMember[]): Map<string, string> {
  return new Map(members.map((m) => [m.value, m.display ?? '']));
}

/** The live members' userNames by id: members whose user is gone are not shown. */
export async function liveUsers(store: Store, tenantId: string, groups: readonly ScimGroupDoc[]): Promise<Map<string, string>> {
  const ids = [...new Set(groups.flatMap((g) => g.members.map((m) => m.value)))];
  if (ids.length === 0) return new Map();
  const users = await usersByIds(store, tenantId, ids);
  return new Map(users.map((u) => [u._id, u.username]));
}

export interface ScimGroupStore {
  create(tenantId: string, data: GroupData): Promise<ScimGroupDoc>;
  get(tenantId: string, id: string): Promise<ScimGroupDoc | null>;
  /** Candidates for `displayName eq` (the index is case-insensitive, like the attribute). */
  findByDisplayName(tenantId: string, displayName: string): Promise<ScimGroupDoc[]>;
  find(tenantId: string, filter: Filter<ScimGroupDoc>, options: { skip?: number; limit: number }): Promise<ScimGroupDoc[]>;
  /** The same, one group at a time (a caller that bounds its work stops reading early). */
  scan(tenantId: string, filter: Filter<ScimGroupDoc>, limit: number): AsyncIterable<ScimGroupDoc>;
  count(tenantId: string): Promise<number>;
  /** Replaces the group's data if it is still at `expectedVersion`; null otherwise. */
  replace(tenantId: string, id: string, data: GroupData, expectedVersion: number): Promise<ScimGroupDoc | null>;
  delete(tenantId: string, id: string, expectedVersion?: number): Promise<boolean>;
  /** The groups that list any of these users (the User `groups` attribute). */
  groupsOf(tenantId: string, userIds: readonly string[]): Promise<ScimGroupDoc[]>;
  /** Takes a deleted user out of every group of the tenant. */
  removeMember(tenantId: string, userId: string): Promise<number>;
}

export function createScimGroupStore(store: Store, clock: () => Date = () => new Date()): ScimGroupStore {
  const byCreation = { createdAt: 1, _id: 1 } as const;
  return {
    async create(tenantId, data) {
      const now = clock();
      const doc: ScimGroupDoc = {
        _id: randomUUID(),
        tenantId,
        displayName: data.displayName,
        displayNameKey: displayNameKey(data.displayName),
        externalId: data.externalId,
        members: data.members,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await store.scimGroups.insertOne(doc);
      } catch (error) {
        duplicateToUniqueness(error, data.displayName);
      }
      return doc;
    },

    get: (tenantId, id) => store.scimGroups.findOne({ _id: id, tenantId }),

    findByDisplayName: (tenantId, displayName) => store.scimGroups.find({ tenantId, displayNameKey: displayNameKey(displayName) }).toArray(),

    find: (tenantId, filter, { skip = 0, limit }) =>
      store.scimGroups.find({ ...filter, tenantId }).sort(byCreation).skip(storeSkip(skip)).limit(limit).toArray(),

    scan: (tenantId, filter, limit) => store.scimGroups.find({ ...filter, tenantId }).sort(byCreation).limit(limit),

    count: (tenantId) => store.scimGroups.countDocuments({ tenantId }),

    async replace(tenantId, id, data, expectedVersion) {
      try {
        return await store.scimGroups.findOneAndUpdate(
          { _id: id, tenantId, version: expectedVersion },
          {
            $set: {
              displayName: data.displayName,
              displayNameKey: displayNameKey(data.displayName),
              externalId: data.externalId,
              members: data.members,
              updatedAt: clock(),
            },
            $inc: { version: 1 },
          },
          { returnDocument: 'after' },
        );
      } catch (error) {
        return duplicateToUniqueness(error, data.displayName);
      }
    },

    async delete(tenantId, id, expectedVersion) {
      const guard: Filter<ScimGroupDoc> = { _id: id, tenantId, ...(expectedVersion === undefined ? {} : { version: expectedVersion }) };
      return (await store.scimGroups.deleteOne(guard)).deletedCount === 1;
    },

    groupsOf: (tenantId, userIds) =>
      userIds.length === 0 ? Promise.resolve([]) : store.scimGroups.find({ tenantId, 'members.value': { $in: [...userIds] } }).sort(byCreation).toArray(),

    async removeMember(tenantId, userId) {
      const result = await store.scimGroups.updateMany(
        { tenantId, 'members.value': userId },
        { $pull: { members: { value: userId } }, $inc: { version: 1 }, $set: { updatedAt: clock() } },
      );
      return result.modifiedCount;
    },
  };
}
