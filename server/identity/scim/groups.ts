/**
 * SCIM Groups (RFC 7643 §4.2) of a tenant: list with filter and paging, get, create, replace,
 * patch and delete, over the `scimGroups` collection (group-store.ts). Members are the tenant's
 * users, shown with their current userName; a member whose user was deleted is no longer shown.
 *
 * Lists: without a filter, MongoDB pages in creation order; `displayName eq`, `id eq` and
 * `externalId eq` fetch their candidates by index; any other filter is evaluated on the tenant's
 * groups, at most MAX_FILTER_SCAN of them (beyond that, 400 `tooMany`).
 */
import type { Filter as MongoFilter } from 'mongodb';
import type { ScimGroupDoc } from '../../store/collections.ts';
import { selectAttributes, type AttributeSelection } from './attributes.ts';
import { MAX_FILTER_SCAN, MAX_PAGE_SIZE, UPDATE_ATTEMPTS, locationOf, type ListQuery, type ScimEndpoint, type ScimReply } from './endpoint.ts';
import { checkIfMatch, etagOf } from './etag.ts';
import { invalidValue, preconditionFailed, resourceNotFound, tooMany } from './errors.ts';
import { matchesFilter, parseFilter, requiredEquality } from './filter.ts';
import { createScimGroupStore, liveUsers, resolveMembers, type GroupData } from './group-store.ts';
import { listResponse, pageOf, slicePage, type ListResponse } from './list.ts';
import { applyPatch, readPatchRequest } from './patch.ts';
import { GROUP_SCHEMA, isPlainObject } from './schema.ts';
import { writableResource } from './validate.ts';

/** What the API's response schema requires beyond RFC 7643's `returned: always` (ScimGroup.displayName). */
export const GROUP_ALWAYS_RETURNED = ['displayName'];

export function toScimGroup(endpoint: ScimEndpoint, doc: ScimGroupDoc, live: Map<string, string>): Record<string, unknown> {
  const members = doc.members
    .filter((m) => live.has(m.value))
    .map((m) => ({ value: m.value, display: live.get(m.value), type: 'User', $ref: locationOf(endpoint, 'Users', m.value) }));
  return {
    schemas: [GROUP_SCHEMA.id],
    id: doc._id,
    ...(doc.externalId !== null ? { externalId: doc.externalId } : {}),
    displayName: doc.displayName,
    ...(members.length > 0 ? { members } : {}),
    meta: {
      resourceType: 'Group',
      created: doc.createdAt.toISOString(),
      lastModified: doc.updatedAt.toISOString(),
      location: locationOf(endpoint, 'Groups', doc._id),
      version: etagOf(doc.version),
    },
  };
}

/** The group's stored data from a (checked) Group resource; member ids are checked against the tenant. */
async function groupData(endpoint: ScimEndpoint, resource: Record<string, unknown>): Promise<GroupData> {
  const members = Array.isArray(resource.members) ? resource.members.filter(isPlainObject) : [];
  const ids = members.map((m, i) => {
    if (typeof m.value !== 'string') throw invalidValue(`members[${i}].value must be the id of a user`);
    return m.value;
  });
  return {
    displayName: resource.displayName as string,
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    members: await resolveMembers(endpoint.store, endpoint.tenantId, ids),
  };
}

function reply(endpoint: ScimEndpoint, doc: ScimGroupDoc, live: Map<string, string>, selection: AttributeSelection): ScimReply {
  return {
    body: selectAttributes(toScimGroup(endpoint, doc, live), GROUP_SCHEMA, selection, GROUP_ALWAYS_RETURNED),
    etag: etagOf(doc.version),
    location: locationOf(endpoint, 'Groups', doc._id),
  };
}

async function mustGet(endpoint: ScimEndpoint, id: string): Promise<ScimGroupDoc> {
  const doc = await createScimGroupStore(endpoint.store).get(endpoint.tenantId, id);
  if (!doc) throw resourceNotFound('Group', id);
  return doc;
}

export async function listGroups(endpoint: ScimEndpoint, query: ListQuery): Promise<ListResponse<Record<string, unknown>>> {
  const groups = createScimGroupStore(endpoint.store);
  const page = pageOf(query.startIndex, query.count, MAX_PAGE_SIZE);
  const { tenantId } = endpoint;
  const select = (docs: ScimGroupDoc[], live: Map<string, string>) =>
    docs.map((d) => selectAttributes(toScimGroup(endpoint, d, live), GROUP_SCHEMA, query.selection, GROUP_ALWAYS_RETURNED));

  if (!query.filter) {
    const total = await groups.count(tenantId);
    const docs = page.count === 0 ? [] : await groups.find(tenantId, {}, { skip: page.startIndex - 1, limit: page.count });
    return listResponse(total, page, select(docs, await liveUsers(endpoint.store, tenantId, docs)));
  }
  const ast = parseFilter(query.filter, GROUP_SCHEMA);
  const maxScan = query.maxScan ?? MAX_FILTER_SCAN;
  let candidates: ScimGroupDoc[];
  const byName = requiredEquality(ast, GROUP_SCHEMA, 'displayName');
  const byId = requiredEquality(ast, GROUP_SCHEMA, 'id');
  const byExternalId = requiredEquality(ast, GROUP_SCHEMA, 'externalId');
  if (byName !== null) candidates = await groups.findByDisplayName(tenantId, byName);
  else if (byId !== null) candidates = await groups.find(tenantId, { _id: byId }, { limit: 1 });
  else if (byExternalId !== null) candidates = await groups.find(tenantId, { externalId: byExternalId } as MongoFilter<ScimGroupDoc>, { limit: maxScan });
  else {
    if ((await groups.count(tenantId)) > maxScan) {
      throw tooMany(`this filter is evaluated over the tenant's groups, and there are more than ${maxScan}; filter on displayName eq, id eq or externalId eq`);
    }
    candidates = await groups.find(tenantId, {}, { limit: maxScan });
  }
  const live = await liveUsers(endpoint.store, tenantId, candidates);
  const hits = candidates.filter((d) => matchesFilter(ast, toScimGroup(endpoint, d, live), GROUP_SCHEMA));
  return listResponse(hits.length, page, select(slicePage(hits, page), live));
}

export async function getGroup(endpoint: ScimEndpoint, id: string, selection: AttributeSelection): Promise<ScimReply> {
  const doc = await mustGet(endpoint, id);
  return reply(endpoint, doc, await liveUsers(endpoint.store, endpoint.tenantId, [doc]), selection);
}

export async function createGroup(endpoint: ScimEndpoint, body: unknown, selection: AttributeSelection): Promise<ScimReply> {
  const resource = writableResource(body, GROUP_SCHEMA);
  const doc = await createScimGroupStore(endpoint.store).create(endpoint.tenantId, await groupData(endpoint, resource));
  return reply(endpoint, doc, await liveUsers(endpoint.store, endpoint.tenantId, [doc]), selection);
}

/**
 * Read, change, write under the version read: a concurrent change makes the write miss, and the
 * change is applied again to the new version (or, when the client named a version with If-Match,
 * answered 412).
 */
async function modify(
  endpoint: ScimEndpoint,
  id: string,
  ifMatch: string | undefined,
  change: (doc: ScimGroupDoc) => Promise<GroupData>,
): Promise<ScimGroupDoc> {
  const groups = createScimGroupStore(endpoint.store);
  for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
    const doc = await mustGet(endpoint, id);
    checkIfMatch(ifMatch, doc.version);
    const updated = await groups.replace(endpoint.tenantId, id, await change(doc), doc.version);
    if (updated) return updated;
  }
  throw preconditionFailed(`Group ${id} kept changing; retry`);
}

export async function replaceGroup(endpoint: ScimEndpoint, id: string, body: unknown, ifMatch: string | undefined, selection: AttributeSelection): Promise<ScimReply> {
  const resource = writableResource(body, GROUP_SCHEMA);
  const doc = await modify(endpoint, id, ifMatch, () => groupData(endpoint, resource));
  return reply(endpoint, doc, await liveUsers(endpoint.store, endpoint.tenantId, [doc]), selection);
}

export async function patchGroup(endpoint: ScimEndpoint, id: string, body: unknown, ifMatch: string | undefined, selection: AttributeSelection): Promise<ScimReply> {
  const operations = readPatchRequest(body);
  const doc = await modify(endpoint, id, ifMatch, async (current) => {
    const live = await liveUsers(endpoint.store, endpoint.tenantId, [current]);
    const next = applyPatch(toScimGroup(endpoint, current, live), operations, GROUP_SCHEMA);
    return groupData(endpoint, next);
  });
  return reply(endpoint, doc, await liveUsers(endpoint.store, endpoint.tenantId, [doc]), selection);
}

export async function deleteGroup(endpoint: ScimEndpoint, id: string, ifMatch: string | undefined): Promise<void> {
  const doc = await mustGet(endpoint, id);
  checkIfMatch(ifMatch, doc.version);
  const deleted = await createScimGroupStore(endpoint.store).delete(endpoint.tenantId, id, ifMatch === undefined ? undefined : doc.version);
  if (!deleted) {
    if (ifMatch !== undefined && (await createScimGroupStore(endpoint.store).get(endpoint.tenantId, id))) throw preconditionFailed(`Group ${id} changed`);
    throw resourceNotFound('Group', id);
  }
}
