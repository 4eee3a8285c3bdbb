/**
 * SCIM Groups of a Vault tenant through the generated client (response validation on): the six
 * operations, success and failure (uniqueness, members of the tenant only, ETags, 404s), group
 * filters, and the cross-tenant attacks on SCIM users and groups: a key of tenant B reading,
 * listing, replacing, patching and deleting tenant A's resources, and putting A's users in B's groups.
 */
import test from 'ava';
import type { components } from '../../generated/secrets-vault/schema.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { uniqueId, vaultWithKey } from './admin-helpers.ts';
import { ERROR_SCHEMA, PATCH_OP } from './scim-helpers.ts';

type ScimGroup = components['schemas']['ScimGroup'];
type VaultClient = ReturnType<typeof vaultWithKey>;

let gw: TestGateway;
let tenantA: string;
let tenantB: string;
let scimA: VaultClient;
let scimB: VaultClient;

test.before(async () => {
  gw = await startTestGateway();
  tenantA = await gw.createTenant(uniqueId('scim-ga'));
  tenantB = await gw.createTenant(uniqueId('scim-gb'));
  scimA = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['scim'])).value);
  scimB = vaultWithKey(gw, (await gw.createApiKey(tenantB, ['scim'])).value);
});

test.after.always(async () => {
  await gw?.stop();
});

async function user(client: VaultClient, tenant: string, userName: string): Promise<string> {
  const r = await client.POST('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenant } }, body: { userName, emails: [{ value: `${userName}@example.test`, primary: true }] } });
  if (r.response.status !== 201) throw new Error(JSON.stringify(r.error));
  return r.data!.id!;
}

async function group(client: VaultClient, tenant: string, body: ScimGroup) {
  return client.POST('/scim/v2/{tenant_id}/Groups', { params: { path: { tenant_id: tenant } }, body });
}

function scimError(t: import('ava').ExecutionContext, r: { response: Response; error?: unknown }, status: number, scimType?: string) {
  t.is(r.response.status, status, JSON.stringify(r.error));
  const body = r.error as { schemas: string[]; status: string; scimType?: string };
  t.deepEqual(body.schemas, [ERROR_SCHEMA]);
  t.is(body.status, String(status));
  t.is(body.scimType, scimType);
}

const gpath = (tenant: string, group_id: string) => ({ path: { tenant_id: tenant, group_id } });

test('createScimGroup: 201 with Location and ETag; members shown with userName; taken displayName (any case) 409', async (t) => {
  const alice = await user(scimA, tenantA, 'g-alice');
  const r = await group(scimA, tenantA, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Admins', externalId: 'ext-admins', members: [{ value: alice, display: 'whatever the client says' }] });
  t.is(r.response.status, 201, JSON.stringify(r.error));
  t.regex(r.response.headers.get('content-type') ?? '', /^application\/scim\+json/);
  t.is(r.response.headers.get('location'), `${gw.url}/api/scim/v2/${tenantA}/Groups/${r.data!.id}`);
  t.is(r.response.headers.get('etag'), 'W/"1"');
  t.like(r.data, { displayName: 'Admins', externalId: 'ext-admins', meta: { resourceType: 'Group', version: 'W/"1"' } });
  t.deepEqual(r.data!.members, [{ value: alice, display: 'g-alice', type: 'User', $ref: `${gw.url}/api/scim/v2/${tenantA}/Users/${alice}` } as never]);
  scimError(t, await group(scimA, tenantA, { displayName: 'ADMINS' }), 409, 'uniqueness');
  scimError(t, await group(scimA, tenantA, { displayName: 'Ghosts', members: [{ value: 'no-such-user' }] }), 400, 'invalidValue');
  scimError(t, await group(scimA, tenantA, {} as ScimGroup), 400, 'invalidValue');
  t.is((await group(scimB, tenantB, { displayName: 'Admins' })).response.status, 201, 'the same name in another tenant is another group');
});

test('getScimGroup and listScimGroup: attributes, filters on displayName and members, paging; 404; invalid filter', async (t) => {
  const [u1, u2] = [await user(scimA, tenantA, 'l-one'), await user(scimA, tenantA, 'l-two')];
  const red = (await group(scimA, tenantA, { displayName: 'Red team', members: [{ value: u1 }, { value: u2 }] })).data!;
  const blue = (await group(scimA, tenantA, { displayName: 'Blue team', members: [{ value: u2 }] })).data!;
  const slim = await scimA.GET('/scim/v2/{tenant_id}/Groups/{group_id}', { params: { ...gpath(tenantA, red.id!), query: { excludedAttributes: 'members,displayName' } } });
  t.deepEqual(Object.keys(slim.data!).sort(), ['displayName', 'id', 'meta', 'schemas'], 'displayName is required by the spec, so always returned');
  t.is(slim.response.headers.get('etag'), 'W/"1"');
  const list = (filter?: string, extra: Record<string, number> = {}) =>
    scimA.GET('/scim/v2/{tenant_id}/Groups', { params: { path: { tenant_id: tenantA }, query: { ...(filter ? { filter } : {}), ...extra } } });
  const names = async (filter?: string, extra: Record<string, number> = {}) => (await list(filter, extra)).data!.Resources?.map((g) => g.displayName) ?? [];
  t.deepEqual(await names('displayName eq "red TEAM"'), ['Red team']);
  t.deepEqual(await names('displayName co "team"'), ['Red team', 'Blue team']);
  t.deepEqual(await names(`members.value eq "${u1}"`), ['Red team']);
  t.deepEqual(await names(`members[value eq "${u2}"] and not (displayName sw "R")`), ['Blue team']);
  t.deepEqual(await names(`id eq "${blue.id}"`), ['Blue team']);
  t.deepEqual(await names('displayName co "team"', { startIndex: 2, count: 1 }), ['Blue team']);
  const counted = await list('displayName co "team"', { count: 0 });
  t.deepEqual([counted.data!.totalResults, counted.data!.itemsPerPage], [2, 0]);
  scimError(t, await list('displayName eq'), 400, 'invalidFilter');
  scimError(t, await list('userName eq "x"'), 400, 'invalidFilter');
  scimError(t, await scimA.GET('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantA, 'no-such-group') }), 404);
});

test('replaceScimGroup: rename and new members under If-Match; stale 412, taken name 409, foreign member 400, 404', async (t) => {
  const [u1, u2] = [await user(scimA, tenantA, 'r-one'), await user(scimA, tenantA, 'r-two')];
  const g = (await group(scimA, tenantA, { displayName: 'Replace me', members: [{ value: u1 }] })).data!;
  const put = (body: ScimGroup, headers: Record<string, string> = {}, id = g.id!) => scimA.PUT('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantA, id), headers, body });
  const ok = await put({ id: 'ignored', displayName: 'Replaced', members: [{ value: u2 }] }, { 'If-Match': 'W/"1"' });
  t.is(ok.response.status, 200, JSON.stringify(ok.error));
  t.like(ok.data, { id: g.id, displayName: 'Replaced', meta: { version: 'W/"2"' } });
  t.deepEqual(ok.data!.members!.map((m) => m.value), [u2]);
  scimError(t, await put({ displayName: 'Stale' }, { 'If-Match': 'W/"1"' }), 412);
  await group(scimA, tenantA, { displayName: 'Taken' });
  scimError(t, await put({ displayName: 'taken' }), 409, 'uniqueness');
  const outsider = await user(scimB, tenantB, 'r-outsider');
  scimError(t, await put({ displayName: 'Replaced', members: [{ value: outsider }] }), 400, 'invalidValue');
  scimError(t, await put({ displayName: 'x' }, {}, 'no-such-group'), 404);
  const now = await scimA.GET('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantA, g.id!) });
  t.like(now.data, { displayName: 'Replaced', meta: { version: 'W/"2"' } });
});

test('patchScimGroup: rename, Entra-style remove by value list; stale 412, immutable member values, foreign member, 404', async (t) => {
  const [u1, u2, u3] = [await user(scimA, tenantA, 'p-one'), await user(scimA, tenantA, 'p-two'), await user(scimA, tenantA, 'p-three')];
  const g = (await group(scimA, tenantA, { displayName: 'Patch me', members: [{ value: u1 }, { value: u2 }, { value: u3 }] })).data!;
  const patch = (Operations: components['schemas']['ScimPatchOperation'][], headers: Record<string, string> = {}, id = g.id!) =>
    scimA.PATCH('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantA, id), headers, body: { schemas: PATCH_OP, Operations } });
  const ok = await patch([{ op: 'replace', value: { displayName: 'Patched' } }, { op: 'Remove', path: 'members', value: [{ value: u1 }, { value: u3 }] }], { 'If-Match': 'W/"1"' });
  t.is(ok.response.status, 200, JSON.stringify(ok.error));
  t.is(ok.data!.displayName, 'Patched');
  t.deepEqual(ok.data!.members!.map((m) => m.value), [u2]);
  scimError(t, await patch([{ op: 'add', path: 'members', value: [{ value: u1 }] }], { 'If-Match': 'W/"1"' }), 412);
  scimError(t, await patch([{ op: 'replace', path: `members[value eq "${u2}"].value`, value: u1 }]), 400, 'mutability');
  const outsider = await user(scimB, tenantB, 'p-outsider');
  scimError(t, await patch([{ op: 'add', path: 'members', value: [{ value: outsider }] }]), 400, 'invalidValue');
  scimError(t, await patch([{ op: 'remove', path: 'displayName' }]), 400, 'invalidValue');
  scimError(t, await patch([{ op: 'add', path: 'members', value: [{ display: 'no id' }] }]), 400, 'invalidValue');
  scimError(t, await patch([{ op: 'add', path: 'members', value: [{ value: u1 }] }], {}, 'no-such-group'), 404);
  const now = await scimA.GET('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantA, g.id!) });
  t.deepEqual(now.data!.members!.map((m) => m.value), [u2], 'refused patches changed nothing');
});

test('deleteScimGroup: 204 then 404; stale If-Match 412 leaves it; members stay users', async (t) => {
  const u = await user(scimA, tenantA, 'd-member');
  const g = (await group(scimA, tenantA, { displayName: 'Delete me', members: [{ value: u }] })).data!;
  scimError(t, await scimA.DELETE('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantA, g.id!), headers: { 'If-Match': 'W/"5"' } }), 412);
  t.is((await scimA.DELETE('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantA, g.id!), headers: { 'If-Match': '*' } })).response.status, 204);
  scimError(t, await scimA.GET('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantA, g.id!) }), 404);
  scimError(t, await scimA.DELETE('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantA, g.id!) }), 404);
  const member = await scimA.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: { path: { tenant_id: tenantA, user_id: u } } });
  t.is(member.response.status, 200);
  t.false('groups' in member.data!);
});

// ---------------------------------------------------------------- cross-tenant attacks

test('attack: a key of tenant B on tenant A\'s SCIM paths is 403 for all twelve operations, and changes nothing', async (t) => {
  const victim = await user(scimA, tenantA, 'victim');
  const g = (await group(scimA, tenantA, { displayName: 'Victims', members: [{ value: victim }] })).data!;
  const up = { path: { tenant_id: tenantA, user_id: victim } };
  const gp = gpath(tenantA, g.id!);
  const ops = { schemas: PATCH_OP, Operations: [{ op: 'replace' as const, path: 'active', value: false }] };
  const statuses = [
    (await scimB.GET('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenantA } } })).response.status,
    (await scimB.POST('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenantA } }, body: { userName: 'planted' } })).response.status,
    (await scimB.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: up })).response.status,
    (await scimB.PUT('/scim/v2/{tenant_id}/Users/{user_id}', { params: up, body: { userName: 'hijacked' } })).response.status,
    (await scimB.PATCH('/scim/v2/{tenant_id}/Users/{user_id}', { params: up, body: ops })).response.status,
    (await scimB.DELETE('/scim/v2/{tenant_id}/Users/{user_id}', { params: up })).response.status,
    (await scimB.GET('/scim/v2/{tenant_id}/Groups', { params: { path: { tenant_id: tenantA } } })).response.status,
    (await scimB.POST('/scim/v2/{tenant_id}/Groups', { params: { path: { tenant_id: tenantA } }, body: { displayName: 'Planted' } })).response.status,
    (await scimB.GET('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gp })).response.status,
    (await scimB.PUT('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gp, body: { displayName: 'Hijacked' } })).response.status,
    (await scimB.PATCH('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gp, body: { schemas: PATCH_OP, Operations: [{ op: 'remove', path: 'members' }] } })).response.status,
    (await scimB.DELETE('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gp })).response.status,
  ];
  t.deepEqual(statuses, Array(12).fill(403));
  const u = await scimA.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: up });
  t.like(u.data, { userName: 'victim', active: true, meta: { version: 'W/"1"' } });
  const grp = await scimA.GET('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gp });
  t.like(grp.data, { displayName: 'Victims', meta: { version: 'W/"1"' } });
  t.deepEqual(grp.data!.members!.map((m) => m.value), [victim]);
  t.is((await scimA.GET('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenantA }, query: { filter: 'userName eq "planted"' } } })).data!.totalResults, 0);
});

test("attack: tenant B naming tenant A's ids under its own path finds nothing and changes nothing", async (t) => {
  const victim = await user(scimA, tenantA, 'victim-2');
  const g = (await group(scimA, tenantA, { displayName: 'Victims 2', members: [{ value: victim }] })).data!;
  const up = { path: { tenant_id: tenantB, user_id: victim } };
  const gp = gpath(tenantB, g.id!);
  scimError(t, await scimB.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: up }), 404);
  scimError(t, await scimB.PUT('/scim/v2/{tenant_id}/Users/{user_id}', { params: up, body: { userName: 'hijacked', emails: [{ value: 'h@example.test' }] } }), 404);
  scimError(t, await scimB.PATCH('/scim/v2/{tenant_id}/Users/{user_id}', { params: up, body: { schemas: PATCH_OP, Operations: [{ op: 'replace', path: 'active', value: false }] } }), 404);
  scimError(t, await scimB.DELETE('/scim/v2/{tenant_id}/Users/{user_id}', { params: up }), 404);
  scimError(t, await scimB.GET('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gp }), 404);
  scimError(t, await scimB.PUT('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gp, body: { displayName: 'Hijacked' } }), 404);
  scimError(t, await scimB.PATCH('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gp, body: { schemas: PATCH_OP, Operations: [{ op: 'remove', path: 'members' }] } }), 404);
  scimError(t, await scimB.DELETE('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gp }), 404);
  // Filters run inside the tenant: B cannot find A's records by id, name or member.
  for (const filter of [`id eq "${victim}"`, 'userName eq "victim-2"', `groups.value eq "${g.id}"`]) {
    const r = await scimB.GET('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenantB }, query: { filter } } });
    t.is(r.data!.totalResults, 0, filter);
  }
  for (const filter of [`id eq "${g.id}"`, 'displayName eq "Victims 2"', `members.value eq "${victim}"`]) {
    const r = await scimB.GET('/scim/v2/{tenant_id}/Groups', { params: { path: { tenant_id: tenantB }, query: { filter } } });
    t.is(r.data!.totalResults, 0, filter);
  }
  t.like((await scimA.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: { path: { tenant_id: tenantA, user_id: victim } } })).data, { userName: 'victim-2', active: true });
  t.like((await scimA.GET('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantA, g.id!) })).data, { displayName: 'Victims 2', meta: { version: 'W/"1"' } });
});

test("attack: a user of tenant A cannot be made a member of tenant B's group (create, replace, patch); the answer is the same as for nobody", async (t) => {
  const victim = await user(scimA, tenantA, 'victim-3');
  const own = await user(scimB, tenantB, 'b-own');
  const mine = (await group(scimB, tenantB, { displayName: 'B group', members: [{ value: own }] })).data!;
  const created = await group(scimB, tenantB, { displayName: 'B smuggle', members: [{ value: victim }] });
  scimError(t, created, 400, 'invalidValue');
  const nobody = await group(scimB, tenantB, { displayName: 'B smuggle', members: [{ value: 'f3f6a1c0-0000-4000-8000-000000000000' }] });
  t.is((created.error as { detail: string }).detail.replace(victim, 'ID'), (nobody.error as { detail: string }).detail.replace('f3f6a1c0-0000-4000-8000-000000000000', 'ID'));
  scimError(t, await scimB.PUT('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantB, mine.id!), body: { displayName: 'B group', members: [{ value: own }, { value: victim }] } }), 400, 'invalidValue');
  scimError(t, await scimB.PATCH('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantB, mine.id!), body: { schemas: PATCH_OP, Operations: [{ op: 'add', path: 'members', value: [{ value: victim }] }] } }), 400, 'invalidValue');
  const after = await scimB.GET('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantB, mine.id!) });
  t.deepEqual(after.data!.members!.map((m) => m.value), [own]);
  t.is(after.data!.meta!.version, 'W/"1"');
  const victimView = await scimA.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: { path: { tenant_id: tenantA, user_id: victim } } });
  t.false('groups' in victimView.data!);
});

test('concurrent PATCHes to one group all land: each is re-applied to the version that won', async (t) => {
  const members = await Promise.all(['c-1', 'c-2', 'c-3', 'c-4', 'c-5'].map((n) => user(scimA, tenantA, n)));
  const g = (await group(scimA, tenantA, { displayName: 'Burst' })).data!;
  const results = await Promise.all(
    members.map((value) =>
      scimA.PATCH('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantA, g.id!), body: { schemas: PATCH_OP, Operations: [{ op: 'add', path: 'members', value: [{ value }] }] } }),
    ),
  );
  t.deepEqual(results.map((r) => r.response.status), [200, 200, 200, 200, 200]);
  const after = await scimA.GET('/scim/v2/{tenant_id}/Groups/{group_id}', { params: gpath(tenantA, g.id!) });
  t.deepEqual(after.data!.members!.map((m) => m.value).sort(), [...members].sort());
  t.is(after.data!.meta!.version, 'W/"6"');
});
