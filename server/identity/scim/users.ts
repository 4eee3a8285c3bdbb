/**
 * SCIM Users of a tenant (RFC 7644 §3.3 to §3.6) over the identity core's users: list with filter
 * and paging, get, create, replace, patch, delete. Each API brings its own resource mapping
 * (`ScimUserMapping`, e.g. vault/user-resource.ts); the filter, attribute and PATCH rules are the
 * generic engine's.
 *
 * Lists: without a filter, MongoDB pages in creation order. `userName eq` (the usual provisioning
 * lookup) uses the tenant's unique username index (usernames compare case-insensitively, as SCIM's
 * userName does), `id eq` and `externalId eq` their indexes; the full filter is still evaluated on
 * those candidates. Any other filter is evaluated on the tenant's users, at most MAX_FILTER_SCAN of
 * them (beyond that, 400 `tooMany`).
 *
 * Deleting a user (RFC 7644 §3.6) also takes it out of every group, revokes its API keys and ends
 * its sessions, as the Vault's own user deletion does.
 */
import type { Filter as MongoFilter } from 'mongodb';
import type { ScimGroupDoc, UserDoc } from '../../store/collections.ts';
import type { ApiKeyService } from '../api-keys.ts';
import { IdentityError } from '../errors.ts';
import type { UserInput, UserPatch, UserService } from '../users.ts';
import { selectAttributes, type AttributeSelection } from './attributes.ts';
import { MAX_FILTER_SCAN, MAX_PAGE_SIZE, UPDATE_ATTEMPTS, locationOf, type ListQuery, type ScimEndpoint, type ScimReply } from './endpoint.ts';
import { checkIfMatch, etagOf } from './etag.ts';
import { invalidValue, preconditionFailed, resourceNotFound, tooMany, uniqueness } from './errors.ts';
import { filterAttributes, matchesFilter, parseFilter, requiredEquality } from './filter.ts';
import { removeUserTraces } from '../user-removal.ts';
import { createScimGroupStore } from './group-store.ts';
import { listResponse, pageOf, slicePage, type ListResponse } from './list.ts';
import { applyPatch, readPatchRequest } from './patch.ts';
import { USER_SCHEMA } from './schema.ts';
import { writableResource } from './validate.ts';

/** How one API shows the core's users as SCIM Users, and reads them back. */
export interface ScimUserMapping {
  toResource(endpoint: ScimEndpoint, doc: UserDoc, groups: readonly ScimGroupDoc[]): Record<string, unknown>;
  /** A new user from a checked resource. */
  toInput(resource: Record<string, unknown>): UserInput;
  /** A full replacement from a checked resource (PUT, or the result of a PATCH). */
  toPatch(resource: Record<string, unknown>): UserPatch;
  /** Attributes the API's response schema requires, returned whatever `attributes` asks. */
  alwaysReturned: readonly string[];
  /** The API's own rules on the core fields (throws a SCIM error). */
  check?(fields: UserPatch): void;
}

export interface ScimUsers extends ScimEndpoint {
  users: UserService;
  apiKeys: ApiKeyService;
  mapping: ScimUserMapping;
}

/** The identity core's failures in SCIM terms: a taken userName is 409 `uniqueness`. */
async function core<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof IdentityError && error.code === 'resource.conflict') throw uniqueness('userName already exists in this tenant');
    if (error instanceof IdentityError && error.code === 'request.invalid') throw invalidValue(error.message);
    throw error;
  }
}

async function resources(ctx: ScimUsers, docs: UserDoc[], withGroups: boolean): Promise<Record<string, unknown>[]> {
  const groups = withGroups ? await createScimGroupStore(ctx.store).groupsOf(ctx.tenantId, docs.map((d) => d._id)) : [];
  return docs.map((d) => ctx.mapping.toResource(ctx, d, groups));
}

function reply(ctx: ScimUsers, resource: Record<string, unknown>, doc: UserDoc, selection: AttributeSelection): ScimReply {
  return {
    body: selectAttributes(resource, USER_SCHEMA, selection, ctx.mapping.alwaysReturned),
    etag: etagOf(doc.version),
    location: locationOf(ctx, 'Users', doc._id),
  };
}

async function mustGet(ctx: ScimUsers, id: string): Promise<UserDoc> {
  const doc = await ctx.users.get(ctx.tenantId, id);
  if (!doc) throw resourceNotFound('User', id);
  return doc;
}

async function candidates(ctx: ScimUsers, ast: ReturnType<typeof parseFilter>, maxScan: number): Promise<UserDoc[]> {
  const { tenantId } = ctx;
  const userName = requiredEquality(ast, USER_SCHEMA, 'userName');
  if (userName !== null) {
    const doc = await ctx.users.getByUsername(tenantId, userName);
    return doc ? [doc] : [];
  }
  const id = requiredEquality(ast, USER_SCHEMA, 'id');
  if (id !== null) {
    const doc = await ctx.users.get(tenantId, id);
    return doc ? [doc] : [];
  }
  const externalId = requiredEquality(ast, USER_SCHEMA, 'externalId');
  if (externalId !== null) {
    return ctx.store.users.find({ tenantId, externalId } as MongoFilter<UserDoc>).limit(maxScan).toArray();
  }
  if ((await ctx.store.users.countDocuments({ tenantId })) > maxScan) {
    throw tooMany(`this filter is evaluated over the tenant's users, and there are more than ${maxScan}; filter on userName eq, id eq or externalId eq`);
  }
  return ctx.store.users.find({ tenantId }).sort({ createdAt: 1, _id: 1 }).limit(maxScan).toArray();
}

export async function listUsers(ctx: ScimUsers, query: ListQuery): Promise<ListResponse<Record<string, unknown>>> {
  const page = pageOf(query.startIndex, query.count, MAX_PAGE_SIZE);
  const select = (list: Record<string, unknown>[]) => list.map((r) => selectAttributes(r, USER_SCHEMA, query.selection, ctx.mapping.alwaysReturned));
  if (!query.filter) {
    // count=0 asks for totalResults only (RFC 7644 §3.4.2.4); to MongoDB, limit 0 would mean "no limit".
    if (page.count === 0) return listResponse(await ctx.store.users.countDocuments({ tenantId: ctx.tenantId }), page, []);
    const { items, total } = await ctx.users.list(ctx.tenantId, { sort: { createdAt: 1, _id: 1 }, skip: page.startIndex - 1, limit: page.count });
    return listResponse(total, page, select(await resources(ctx, items, true)));
  }
  const ast = parseFilter(query.filter, USER_SCHEMA);
  const docs = await candidates(ctx, ast, query.maxScan ?? MAX_FILTER_SCAN);
  // The `groups` attribute costs a query over the candidates; it is computed for filtering only when the filter reads it.
  const needsGroups = filterAttributes(ast, USER_SCHEMA).has('groups');
  const all = await resources(ctx, docs, needsGroups);
  const hits = docs.filter((_, i) => matchesFilter(ast, all[i], USER_SCHEMA));
  return listResponse(hits.length, page, select(await resources(ctx, slicePage(hits, page), true)));
}

export async function getUser(ctx: ScimUsers, id: string, selection: AttributeSelection): Promise<ScimReply> {
  const doc = await mustGet(ctx, id);
  const [resource] = await resources(ctx, [doc], true);
  return reply(ctx, resource, doc, selection);
}

export async function createUser(ctx: ScimUsers, body: unknown, selection: AttributeSelection): Promise<ScimReply> {
  const input = ctx.mapping.toInput(writableResource(body, USER_SCHEMA));
  ctx.mapping.check?.(input);
  const doc = await core(() => ctx.users.create(ctx.tenantId, input));
  const [resource] = await resources(ctx, [doc], false);
  return reply(ctx, resource, doc, selection);
}

/** Read, change, write under the version read; a concurrent change is re-applied, or 412 under If-Match. */
async function modify(ctx: ScimUsers, id: string, ifMatch: string | undefined, change: (resource: Record<string, unknown>) => Record<string, unknown>): Promise<UserDoc> {
  for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
    const doc = await mustGet(ctx, id);
    checkIfMatch(ifMatch, doc.version);
    const [current] = await resources(ctx, [doc], true);
    const patch = ctx.mapping.toPatch(change(current));
    ctx.mapping.check?.(patch);
    const updated = await core(() => ctx.users.update(ctx.tenantId, id, patch, { expectedVersion: doc.version }));
    if (updated) return updated;
  }
  throw preconditionFailed(`User ${id} kept changing; retry`);
}

export async function replaceUser(ctx: ScimUsers, id: string, body: unknown, ifMatch: string | undefined, selection: AttributeSelection): Promise<ScimReply> {
  const resource = writableResource(body, USER_SCHEMA);
  const doc = await modify(ctx, id, ifMatch, () => resource);
  return getUserReply(ctx, doc, selection);
}

export async function patchUser(ctx: ScimUsers, id: string, body: unknown, ifMatch: string | undefined, selection: AttributeSelection): Promise<ScimReply> {
  const operations = readPatchRequest(body);
  const doc = await modify(ctx, id, ifMatch, (current) => applyPatch(current, operations, USER_SCHEMA));
  return getUserReply(ctx, doc, selection);
}

async function getUserReply(ctx: ScimUsers, doc: UserDoc, selection: AttributeSelection): Promise<ScimReply> {
  const [resource] = await resources(ctx, [doc], true);
  return reply(ctx, resource, doc, selection);
}

export async function deleteUser(ctx: ScimUsers, id: string, ifMatch: string | undefined): Promise<void> {
  const doc = await mustGet(ctx, id);
  checkIfMatch(ifMatch, doc.version);
  const guard: MongoFilter<UserDoc> = { _id: id, tenantId: ctx.tenantId, ...(ifMatch === undefined ? {} : { version: doc.version }) };
  if ((await ctx.store.users.deleteOne(guard)).deletedCount !== 1) {
    if (ifMatch !== undefined && (await ctx.users.get(ctx.tenantId, id))) throw preconditionFailed(`User ${id} changed`);
    throw resourceNotFound('User', id);
  }
  await removeUserTraces(ctx.store, ctx.apiKeys, ctx.tenantId, id);
}
