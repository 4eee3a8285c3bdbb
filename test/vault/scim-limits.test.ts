/**
 * SCIM request limits and large requests (a 20,000-value member add
 * held the event loop for 13.8 s). Over a limit, the request is refused as 400 `tooMany` (or
 * `invalidFilter` for an oversized filter) and nothing changes; under it, large PATCHes give the
 * same result as a plain model of RFC 7644 §3.5.2's rules. Timings are in
 * scripts/bench/scim-patch.ts, not here.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/secrets-vault/schema.ts';
import { GatewayError } from '../../server/http/errors.ts';
import { MAX_MEMBERS_PER_REQUEST } from '../../server/identity/scim/group-store.ts';
import { listGroups } from '../../server/identity/scim/groups.ts';
import { MAX_FILTER_NODES, parseFilter } from '../../server/identity/scim/filter.ts';
import { applyPatch, MAX_PATCH_OPERATIONS, MAX_PATCH_VALUES_PER_OPERATION, MAX_PATCH_VALUES_PER_REQUEST, readPatchRequest } from '../../server/identity/scim/patch.ts';
import { GROUP_SCHEMA, USER_SCHEMA } from '../../server/identity/scim/schema.ts';
import type { UserDoc } from '../../server/store/collections.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { uniqueId, vaultWithKey } from './admin-helpers.ts';
import { ERROR_SCHEMA, PATCH_OP } from './scim-helpers.ts';

type ScimGroup = components['schemas']['ScimGroup'];

function refusal(t: import('ava').ExecutionContext, run: () => unknown, scimType: string): void {
  const e = t.throws(run, { instanceOf: GatewayError });
  t.deepEqual([e?.status, e?.options.scimType], [400, scimType], e?.message);
}

const values = (n: number, prefix = 'v') => Array.from({ length: n }, (_, i) => ({ value: `${prefix}${i}` }));
const body = (Operations: unknown[]) => ({ schemas: PATCH_OP, Operations });

// ---------------------------------------------------------------- limits, checked on the body alone

test('PatchOp limits: operations per request, values per operation and per request, path-less values counted', (t) => {
  const add = (n: number, prefix?: string) => ({ op: 'add', path: 'members', value: values(n, prefix) });
  t.is(readPatchRequest(body(Array.from({ length: MAX_PATCH_OPERATIONS }, () => add(1)))).length, MAX_PATCH_OPERATIONS);
  refusal(t, () => readPatchRequest(body(Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => add(1)))), 'tooMany');

  t.is(readPatchRequest(body([add(MAX_PATCH_VALUES_PER_OPERATION)])).length, 1);
  refusal(t, () => readPatchRequest(body([add(MAX_PATCH_VALUES_PER_OPERATION + 1)])), 'tooMany');

  const full = MAX_PATCH_VALUES_PER_REQUEST / MAX_PATCH_VALUES_PER_OPERATION;
  t.is(readPatchRequest(body(Array.from({ length: full }, (_, i) => add(MAX_PATCH_VALUES_PER_OPERATION, `p${i}-`)))).length, full);
  refusal(t, () => readPatchRequest(body([...Array.from({ length: full }, (_, i) => add(MAX_PATCH_VALUES_PER_OPERATION, `p${i}-`)), add(1)])), 'tooMany');

  // Without a path the value is an object of attributes, possibly under the schema URN.
  refusal(t, () => readPatchRequest(body([{ op: 'add', value: { members: values(MAX_PATCH_VALUES_PER_OPERATION + 1) } }])), 'tooMany');
  refusal(t, () => readPatchRequest(body([{ op: 'add', value: { [USER_SCHEMA.id]: { emails: values(MAX_PATCH_VALUES_PER_OPERATION + 1) } } }])), 'tooMany');
  t.is(readPatchRequest(body([{ op: 'replace', value: { displayName: 'x', members: values(MAX_PATCH_VALUES_PER_OPERATION - 1) } }])).length, 1);
});

test(`filters of more than ${MAX_FILTER_NODES} nodes are invalidFilter, in a list filter and in a PATCH path`, (t) => {
  const terms = (n: number) => Array.from({ length: n }, (_, i) => `userName eq "u${i}"`).join(' or ');
  t.truthy(parseFilter(terms(MAX_FILTER_NODES - 1), USER_SCHEMA)); // n comparisons under one `or`: n + 1 nodes
  refusal(t, () => parseFilter(terms(MAX_FILTER_NODES), USER_SCHEMA), 'invalidFilter');
  const path = `emails[${Array.from({ length: MAX_FILTER_NODES }, (_, i) => `value eq "e${i}"`).join(' or ')}]`;
  refusal(t, () => applyPatch({ userName: 'u' }, [{ op: 'remove', path }], USER_SCHEMA), 'invalidPath');
});

// ---------------------------------------------------------------- large allowed PATCHes, against a plain model

const group = (ids: string[]) => ({ schemas: [GROUP_SCHEMA.id], id: 'g', displayName: 'g', members: ids.map((value) => ({ value, type: 'User' })) });
const memberIds = (resource: Record<string, unknown>) => ((resource.members ?? []) as { value: string }[]).map((m) => m.value);

test('one add of 10,000 values to 9,000 members: present and repeated values are not duplicated, order kept, members.value case-exact', (t) => {
  const existing = Array.from({ length: 9_000 }, (_, i) => `m${i}`);
  // 3,000 already present, 500 named twice, 200 differing from a present one by case only (a different id: caseExact).
  const incoming = [
    ...Array.from({ length: 3_000 }, (_, i) => `m${i * 3}`),
    ...Array.from({ length: 6_300 }, (_, i) => `n${i}`),
    ...Array.from({ length: 500 }, (_, i) => `n${i * 7}`),
    ...Array.from({ length: 200 }, (_, i) => `M${i}`),
  ];
  t.is(incoming.length, MAX_PATCH_VALUES_PER_OPERATION);
  const ops = readPatchRequest(body([{ op: 'add', path: 'members', value: incoming.map((value) => ({ value })) }]));
  const result = applyPatch(group(existing), ops, GROUP_SCHEMA);
  const expected = [...new Set([...existing, ...incoming])];
  t.deepEqual(memberIds(result), expected);
  t.is(expected.length, 9_000 + 6_300 + 200);
});

test('100 operations mixing one-member adds, members[value eq] removes and value-list removes match the model', (t) => {
  const existing = Array.from({ length: 10_000 }, (_, i) => `m${i}`);
  const operations: { op: string; path: string; value?: unknown }[] = [];
  let model = [...existing];
  for (let i = 0; i < MAX_PATCH_OPERATIONS; i++) {
    if (i % 3 === 0) {
      const id = `m${i * 97}`;
      operations.push({ op: 'remove', path: `members[value eq "${id}"]` });
      model = model.filter((m) => m !== id);
    } else if (i % 3 === 1) {
      const id = i % 2 === 0 ? `m${i * 50}` : `new${i}`; // half of them already present (or removed just before)
      operations.push({ op: 'add', path: 'members', value: [{ value: id }] });
      if (!model.includes(id)) model.push(id);
    } else {
      const ids = [`m${i * 31}`, `new${i - 1}`, 'never-there'];
      operations.push({ op: 'remove', path: 'members', value: ids.map((value) => ({ value })) });
      model = model.filter((m) => !ids.includes(m));
    }
  }
  const result = applyPatch(group(existing), readPatchRequest(body(operations)), GROUP_SCHEMA);
  t.deepEqual(memberIds(result), model);
});

test('a value changed in place between indexed operations is found by its new value; primaries demoted once per operation', (t) => {
  const user = { schemas: [USER_SCHEMA.id], userName: 'u', emails: [{ value: 'old@x.example', type: 'work', primary: true }] };
  const ops = readPatchRequest(
    body([
      { op: 'add', path: 'emails', value: [{ value: 'a@x.example' }, { value: 'b@x.example' }] },
      { op: 'replace', path: 'emails[value eq "a@x.example"].value', value: 'c@x.example' },
      // emails.value is not caseExact: C@X is c@x, updated rather than added
      { op: 'add', path: 'emails', value: [{ value: 'C@X.EXAMPLE', type: 'home' }] },
      { op: 'remove', path: 'emails[value eq "b@x.example"]' },
      { op: 'add', path: 'emails', value: [{ value: 'p1@x.example', primary: true }, { value: 'p2@x.example', primary: true }] },
    ]),
  );
  const result = applyPatch(user, ops, USER_SCHEMA);
  t.deepEqual(result.emails, [
    { value: 'old@x.example', type: 'work', primary: false },
    { value: 'C@X.EXAMPLE', type: 'home' },
    { value: 'p1@x.example', primary: false },
    { value: 'p2@x.example', primary: true },
  ]);
});

// ---------------------------------------------------------------- over HTTP

let gw: TestGateway;
let tenant: string;
let scim: ReturnType<typeof vaultWithKey>;
let ids: string[];

test.before(async () => {
  gw = await startTestGateway();
  tenant = await gw.createTenant(uniqueId('scim-limits'));
  scim = vaultWithKey(gw, (await gw.createApiKey(tenant, ['scim'])).value);
  // 3,000 users straight into the store: creating them one by one would be most of the test's time.
  const now = new Date();
  const users: UserDoc[] = Array.from({ length: 3_000 }, (_, i) => ({
    _id: randomUUID(),
    tenantId: tenant,
    username: `member${i}`,
    usernameKey: `member${i}`,
    email: null,
    emailKey: null,
    emailVerified: false,
    phone: null,
    displayName: `Member ${i}`,
    disabled: false,
    externalId: null,
    profile: {},
    version: 1,
    createdAt: now,
    updatedAt: now,
  }));
  await gw.services.store.users.insertMany(users);
  ids = users.map((u) => u._id);
});

test.after.always(async () => {
  await gw?.stop();
});

const gpath = (group_id: string) => ({ path: { tenant_id: tenant, group_id } });

function scimError(t: import('ava').ExecutionContext, r: { response: Response; error?: unknown }, status: number, scimType: string) {
  t.is(r.response.status, status, JSON.stringify(r.error));
  const error = r.error as { schemas: string[]; scimType?: string };
  t.deepEqual([error.schemas, error.scimType], [[ERROR_SCHEMA], scimType]);
}

async function newGroup(members: string[] = []): Promise<ScimGroup> {
  const r = await scim.POST('/scim/v2/{tenant_id}/Groups', { params: { path: { tenant_id: tenant } }, body: { displayName: uniqueId('g'), members: members.map((value) => ({ value })) } });
  if (r.response.status !== 201) throw new Error(JSON.stringify(r.error));
  return r.data!;
}

test.serial('over the limits: PATCH, PUT and POST refused as tooMany; the group is unchanged', async (t) => {
  const g = await newGroup(ids.slice(0, 10));
  const tooManyValues = [...ids, ...Array.from({ length: MAX_PATCH_VALUES_PER_OPERATION + 1 - ids.length }, () => randomUUID())].map((value) => ({ value }));
  scimError(t, await scim.PATCH('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(g.id!), body: { schemas: PATCH_OP, Operations: [{ op: 'add', path: 'members', value: tooManyValues }] } }), 400, 'tooMany');
  const manyOps = Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, (_, i) => ({ op: 'add' as const, path: 'members', value: [{ value: ids[i] }] }));
  scimError(t, await scim.PATCH('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(g.id!), body: { schemas: PATCH_OP, Operations: manyOps } }), 400, 'tooMany');
  const oversized = Array.from({ length: MAX_MEMBERS_PER_REQUEST + 1 }, () => ({ value: randomUUID() }));
  scimError(t, await scim.PUT('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(g.id!), body: { displayName: g.displayName, members: oversized } }), 400, 'tooMany');
  scimError(t, await scim.POST('/scim/v2/{tenant_id}/Groups', { params: { path: { tenant_id: tenant } }, body: { displayName: uniqueId('g'), members: oversized } }), 400, 'tooMany');

  const after = await scim.GET('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(g.id!) });
  t.is(after.data!.meta!.version, g.meta!.version);
  t.deepEqual(after.data!.members!.map((m) => m.value), ids.slice(0, 10));
});

test.serial('large allowed PATCHes over HTTP: 3,000 members added in one operation, then 100 operations; members.value eq finds the group', async (t) => {
  const g = await newGroup(ids.slice(0, 500));
  const added = await scim.PATCH('/scim/v2/{tenant_id}/Groups/{group_id}', {
    params: gpath(g.id!),
    body: { schemas: PATCH_OP, Operations: [{ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }] },
  });
  t.is(added.response.status, 200, JSON.stringify(added.error));
  t.deepEqual(added.data!.members!.map((m) => m.value), ids);
  t.deepEqual(added.data!.members!.slice(0, 2).map((m) => m.display), ['member0', 'member1']);

  const removed = ids.filter((_, i) => i % 30 === 0); // 100 ids
  const Operations = removed.map((id) => ({ op: 'remove' as const, path: `members[value eq "${id}"]` }));
  const patched = await scim.PATCH('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(g.id!), body: { schemas: PATCH_OP, Operations } });
  t.is(patched.response.status, 200, JSON.stringify(patched.error));
  t.deepEqual(patched.data!.members!.map((m) => m.value), ids.filter((id) => !removed.includes(id)));

  const found = await scim.GET('/scim/v2/{tenant_id}/Groups', { params: { path: { tenant_id: tenant }, query: { filter: `members.value eq "${ids[1]}"`, excludedAttributes: 'members' } } });
  t.true(found.data!.Resources!.some((r) => r.id === g.id));
  const gone = await scim.GET('/scim/v2/{tenant_id}/Groups', { params: { path: { tenant_id: tenant }, query: { filter: `members[value eq "${removed[1]}"]`, excludedAttributes: 'members' } } });
  t.false(gone.data!.Resources!.some((r) => r.id === g.id));
});

test.serial('a Group filter no index serves stops once its candidates hold more members than allowed; indexed ones still answer', async (t) => {
  const g = await newGroup(ids.slice(0, 50));
  const endpoint = { store: gw.services.store, tenantId: tenant, baseUrl: `${gw.url}/api/scim/v2/${tenant}` };
  const e = await t.throwsAsync(listGroups(endpoint, { filter: 'displayName co "g"', selection: {}, maxScanMembers: 49 }), { instanceOf: GatewayError });
  t.deepEqual([e?.status, e?.options.scimType], [400, 'tooMany']);
  const byName = await listGroups(endpoint, { filter: `displayName eq "${g.displayName}"`, selection: {}, maxScanMembers: 49 });
  t.deepEqual(byName.Resources.map((r) => r.id), [g.id]);
});
