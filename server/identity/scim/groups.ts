/**
 * SCIM Groups (RFC 7643 §4.2) of a tenant: list with filter and paging, get, create, replace,
 * patch and delete, over the `scimGroups` collection (group-store.ts). Members are the tenant's
 * users, shown with their current userName; a member whose user was deleted is no longer shown.
 *
 * Lists: without a filter, MongoDB pages in creation order; `displayName eq`, `id eq`,
 * `externalId eq` and `members.value eq` (or `members[value eq ...]`) fetch their candidates by
 * index; any other filter is evaluated on the tenant's groups, at most MAX_FILTER_SCAN of them
 * (beyond that, 400 `tooMany`). Evaluating a filter on a group costs its members, so candidates
 * holding more than MAX_FILTER_SCAN_MEMBERS members in all are 400 `tooMany` too, found while
 * reading them one by one (ten full groups, not 10,000 groups of 10,000 members).
 */
import type { Filter as MongoFilter } from 'mongodb';
import type { ScimGroupDoc } from '../../store/collections.ts';
import { selectAttributes, type AttributeSelection } from './attributes.ts';
import { MAX_FILTER_SCAN, MAX_PAGE_SIZE, UPDATE_ATTEMPTS, locationOf, type ListQuery, type ScimEndpoint, type ScimReply } from './endpoint.ts';
import { checkIfMatch, etagOf } from './etag.ts';
import { invalidValue, preconditionFailed, resourceNotFound, tooMany } from './errors.ts';
import { matchesFilter, parseFilter, requiredEquality, type Filter } from './filter.ts';
import { checkMemberCount, createScimGroupStore, liveUsers, resolveMembers, usersOf, type GroupData } from './group-store.ts';
import { listResponse, pageOf, slicePage, type ListResponse } from './list.ts';
import { applyPatch, readPatchRequest } from './patch.ts';
import { GROUP_SCHEMA, isPlainObject, propertyKey, stripSchemaUrn } from './schema.ts';
import { writableResource } from './validate.ts';

/** Most members the candidates of a filtered Group list may hold in all (see the header). */
export const MAX_FILTER_SCAN_MEMBERS = 100_000;

/** The member id a filter requires, when it is `members.value eq "id"` or `members[value eq "id"]` (alone or in an `and`). */
function requiredMember(ast: Filter): string | null {
  const direct = requiredEquality(ast, GROUP_SCHEMA, 'members.value');
  if (direct !== null) return direct;
  if (ast.op === '[]' && (stripSchemaUrn(GROUP_SCHEMA, ast.attrPath) ?? '').toLowerCase() === 'members') {
    const inner = ast.valFilter;
    if (inner.op === 'eq' && typeof inner.compValue === 'string' && inner.attrPath.toLowerCase() === 'value') return inner.compValue;
  }
  if (ast.op === 'and') {
    for (const g of ast.filters) {
      const v = requiredMember(g);
      if (v !== null) return v;
    }
  }
  return null;
}

/** Reads candidates one by one, refusing (tooMany) once they hold more than `maxMembers` members. */
async function boundedCandidates(source: AsyncIterable<ScimGroupDoc>, maxMembers: number): Promise<ScimGroupDoc[]> {
  const out: ScimGroupDoc[] = [];
  let members = 0;
  for await (const doc of source) {
    members += doc.members.length;
    if (members > maxMembers) {
      throw tooMany(`this filter would be evaluated over groups with more than ${maxMembers} members in all; filter on displayName eq, id eq, externalId eq or members.value eq`);
    }
    out.push(doc);
  }
  return out;
}

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

/**
 * The group's stored data from a (checked) Group resource; member ids are checked against the
 * tenant (`known`: users already looked up for this change, see resolveMembers).
 */
async function groupData(endpoint: ScimEndpoint, resource: Record<string, unknown>, known?: ReadonlyMap<string, string>): Promise<GroupData> {
  const members = Array.isArray(resource.members) ? resource.members.filter(isPlainObject) : [];
  const ids = members.map((m, i) => {
    if (typeof m.value !== 'string') throw invalidValue(`members[${i}].value must be the id of a user`);
    return m.value;
  });
  return {
    displayName: resource.displayName as string,
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    members: await resolveMembers(endpoint.store, endpoint.tenantId, ids, known),
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
  const maxMembers = query.maxScanMembers ?? MAX_FILTER_SCAN_MEMBERS;
  let candidates: ScimGroupDoc[];
  const byName = requiredEquality(ast, GROUP_SCHEMA, 'displayName');
  const byId = requiredEquality(ast, GROUP_SCHEMA, 'id');
  const byExternalId = requiredEquality(ast, GROUP_SCHEMA, 'externalId');
  const byMember = requiredMember(ast);
  if (byName !== null) candidates = await groups.findByDisplayName(tenantId, byName);
  else if (byId !== null) candidates = await groups.find(tenantId, { _id: byId }, { limit: 1 });
  else if (byExternalId !== null) candidates = await boundedCandidates(groups.scan(tenantId, { externalId: byExternalId } as MongoFilter<ScimGroupDoc>, maxScan), maxMembers);
  // members.value is caseExact (RFC 7643 §4.2: an id), so the index's exact match finds every candidate.
  else if (byMember !== null) candidates = await boundedCandidates(groups.scan(tenantId, { 'members.value': byMember } as MongoFilter<ScimGroupDoc>, maxScan), maxMembers);
  else {
    if ((await groups.count(tenantId)) > maxScan) {
      throw tooMany(`this filter is evaluated over the tenant's groups, and there are more than ${maxScan}; filter on displayName eq, id eq, externalId eq or members.value eq`);
    }
    candidates = await boundedCandidates(groups.scan(tenantId, {}, maxScan), maxMembers);
  }
  const live = await liveUsers(endpoint.store, tenantId, candidates);
  const hits = candidates.filter((d) => matchesFilter(ast, toScimGroup(endpoint, d, live), GROUP_SCHEMA));
  return listResponse(hits.length, page, select(slicePage(hits, page), live));
}

export async function getGroup(endpoint: ScimEndpoint, id: string, selection: AttributeSelection): Promise<ScimReply> {
  const doc = await mustGet(endpoint, id);
  return reply(endpoint, doc, await liveUsers(endpoint.store, endpoint.tenantId, [doc]), selection);
}

/** A POST or PUT body's members are counted before anything else is done with it (RFC 7644 §3.12 `tooMany`; scim-limits tests). */
function groupResource(body: unknown): Record<string, unknown> {
  if (isPlainObject(body)) checkMemberCount(body[propertyKey(body, 'members') ?? 'members']);
  return writableResource(body, GROUP_SCHEMA);
}

export async function createGroup(endpoint: ScimEndpoint, body: unknown, selection: AttributeSelection): Promise<ScimReply> {
  const data = await groupData(endpoint, groupResource(body));
  const doc = await createScimGroupStore(endpoint.store).create(endpoint.tenantId, data);
  return reply(endpoint, doc, usersOf(data.members), selection);
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
): Promise<{ doc: ScimGroupDoc; data: GroupData }> {
  const groups = createScimGroupStore(endpoint.store);
  for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
    const doc = await mustGet(endpoint, id);
    checkIfMatch(ifMatch, doc.version);
    const data = await change(doc);
    const updated = await groups.replace(endpoint.tenantId, id, data, doc.version);
    if (updated) return { doc: updated, data };
  }
  throw preconditionFailed(`Group ${id} kept changing; retry`);
}

export async function replaceGroup(endpoint: ScimEndpoint, id: string, body: unknown, ifMatch: string | undefined, selection: AttributeSelection): Promise<ScimReply> {
  const resource = groupResource(body);
  const { doc, data } = await modify(endpoint, id, ifMatch, () => groupData(endpoint, resource));
  return reply(endpoint, doc, usersOf(data.members), selection);
}

export async function patchGroup(endpoint: ScimEndpoint, id: string, body: unknown, ifMatch: string | undefined, selection: AttributeSelection): Promise<ScimReply> {
  const operations = readPatchRequest(body);
  const { doc, data } = await modify(endpoint, id, ifMatch, async (current) => {
    const live = await liveUsers(endpoint.store, endpoint.tenantId, [current]);
    const next = applyPatch(toScimGroup(endpoint, current, live), operations, GROUP_SCHEMA);
    return groupData(endpoint, next, live);
  });
  return reply(endpoint, doc, usersOf(data.members), selection);
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
