/**
 * SCIM Users of a Vault tenant through the generated client (response validation on): the six
 * operations, success and failure; the mapping onto the Vault's users (both APIs see one record);
 * attributes / excludedAttributes; ETags and If-Match; deletion side effects; scopes.
 */
import test from 'ava';
import type { components } from '../../generated/secrets-vault/schema.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { uniqueId, vaultWithKey } from './admin-helpers.ts';
import { ERROR_SCHEMA, PATCH_OP } from './scim-helpers.ts';
import { GatewayError } from '../../server/http/errors.ts';
import { listUsers as listScimUsersDomain } from '../../server/identity/scim/users.ts';
import { vaultUserMapping } from '../../server/identity/scim/user-resource.ts';

type ScimUser = components['schemas']['ScimUser'];
type VaultClient = ReturnType<typeof vaultWithKey>;

let gw: TestGateway;
let tenant: string;
let scim: VaultClient;

test.before(async () => {
  gw = await startTestGateway();
  tenant = await gw.createTenant(uniqueId('scim-users'));
  scim = vaultWithKey(gw, (await gw.createApiKey(tenant, ['scim', 'users:read', 'users:write'])).value);
});

test.after.always(async () => {
  await gw?.stop();
});

const path = (user_id: string) => ({ path: { tenant_id: tenant, user_id } });

/** A Vault user needs an e-mail address: bodies that name none get one (`emails: undefined` sends none). */
function withEmail(body: ScimUser): ScimUser {
  return 'emails' in body ? body : { ...body, emails: [{ value: `${body.userName}@example.test`, primary: true }] };
}

async function create(body: ScimUser) {
  return scim.POST('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenant } }, body: withEmail(body) });
}

async function mustCreate(body: ScimUser): Promise<ScimUser> {
  const r = await create(body);
  if (r.response.status !== 201 || !r.data) throw new Error(`${r.response.status} ${JSON.stringify(r.error)}`);
  return r.data;
}

function scimError(t: import('ava').ExecutionContext, r: { response: Response; error?: unknown }, status: number, scimType?: string) {
  t.is(r.response.status, status, JSON.stringify(r.error));
  t.regex(r.response.headers.get('content-type') ?? '', /^application\/scim\+json/);
  const body = r.error as { schemas: string[]; status: string; scimType?: string; detail?: string };
  t.deepEqual(body.schemas, [ERROR_SCHEMA]);
  t.is(body.status, String(status));
  t.is(body.scimType, scimType);
}

test('createScimUser: 201 with Location, ETag and meta; the Vault sees the same user', async (t) => {
  const r = await create({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    id: 'chosen-by-client',
    userName: 'Alice.Martin',
    externalId: '00u1abcd2EFGH3ijk4x7',
    name: { givenName: 'Alice', familyName: 'Martin', formatted: 'Ms. Alice Martin' },
    displayName: 'Alice Martin',
    locale: 'fr-FR',
    active: true,
    emails: [{ value: 'alice@home.example', type: 'home' }, { value: 'alice@example.com', type: 'work', primary: true }],
    roles: [{ value: 'admin' }, { value: 'auditor' }],
    meta: { version: 'W/"99"' },
  });
  t.is(r.response.status, 201);
  const u = r.data!;
  t.not(u.id, 'chosen-by-client', 'id is assigned by the server (readOnly)');
  t.is(r.response.headers.get('location'), u.meta!.location ?? null);
  t.is(u.meta!.location, `${gw.url}/api/scim/v2/${tenant}/Users/${u.id}`);
  t.is(r.response.headers.get('etag'), 'W/"1"');
  t.deepEqual([u.meta!.resourceType, u.meta!.version], ['User', 'W/"1"']);
  t.deepEqual(u.name, { givenName: 'Alice', familyName: 'Martin', formatted: 'Ms. Alice Martin' });
  t.deepEqual(u.emails, [{ value: 'alice@home.example', type: 'home' }, { value: 'alice@example.com', type: 'work', primary: true }]);
  t.deepEqual(u.roles, [{ value: 'admin' }, { value: 'auditor' }]);
  const vault = await scim.GET('/users/{tenant_id}/{user_id}', { params: path(u.id!) });
  t.like(vault.data, { username: 'Alice.Martin', email: 'alice@example.com', is_disabled: false, external_id: '00u1abcd2EFGH3ijk4x7', locale: 'fr-FR', roles: ['admin', 'auditor'] });
});

test('createScimUser failures: taken userName (any case) 409 uniqueness, no userName, bad types and e-mail 400', async (t) => {
  await mustCreate({ userName: 'dup-user' });
  scimError(t, await create({ userName: 'DUP-USER' }), 409, 'uniqueness');
  scimError(t, await create({ displayName: 'no name' } as ScimUser), 400, 'invalidValue');
  scimError(t, await create({ userName: 'typed', active: 'yes' as unknown as boolean }), 400, 'invalidValue');
  scimError(t, await create({ userName: 'no-mail', emails: undefined }), 400, 'invalidValue');
  scimError(t, await create({ userName: 'mailer', emails: [{ value: 'not an address', primary: true }] }), 400, 'invalidValue');
  scimError(t, await create({ userName: 'two-primaries', emails: [{ value: 'a@x.org', primary: true }, { value: 'b@x.org', primary: true }] }), 400, 'invalidValue');
  const missingTenant = await scim.POST('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: 'no-such-tenant' } }, body: { userName: 'x' } });
  t.is(missingTenant.response.status, 403, "a tenant key cannot name another tenant, even one that doesn't exist");
  const adminMissing = await gw.clients.admin.vault.POST('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: `none-${uniqueId('t')}` } }, body: { userName: 'x' } });
  scimError(t, adminMissing, 404);
});

test('getScimUser: attributes and excludedAttributes keep id, schemas, meta and userName; unknown id 404', async (t) => {
  const u = await mustCreate({ userName: 'selective', name: { givenName: 'Sel', familyName: 'Ective' }, emails: [{ value: 'sel@example.com', primary: true }], locale: 'en-GB' });
  const only = await scim.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: { ...path(u.id!), query: { attributes: 'name.familyName,locale' } } });
  t.deepEqual(Object.keys(only.data!).sort(), ['id', 'locale', 'meta', 'name', 'schemas', 'userName']);
  t.deepEqual(only.data!.name, { familyName: 'Ective' });
  t.is(only.response.headers.get('etag'), 'W/"1"');
  const without = await scim.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: { ...path(u.id!), query: { excludedAttributes: 'emails,name,userName,id' } } });
  t.false('emails' in without.data!);
  t.false('name' in without.data!);
  t.is(without.data!.id, u.id);
  t.is(without.data!.userName, 'selective', 'the spec\'s ScimUser requires userName, so it is always returned');
  scimError(t, await scim.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: path('00000000-0000-0000-0000-000000000000') }), 404);
});

test('listScimUsers: userName eq (case-insensitive), externalId eq, attributes on lists, users made by the Vault API', async (t) => {
  const u = await mustCreate({ userName: 'Lister', externalId: 'ext-lister', emails: [{ value: 'lister@example.com' }] });
  const viaVault = await scim.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenant } }, body: { user_id: 'x', username: 'vault-made', email: 'vault-made@example.org', tenant_id: tenant, is_disabled: false, is_verified: false } });
  t.is(viaVault.response.status, 201);
  const byName = await scim.GET('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenant }, query: { filter: 'userName eq "LISTER"' } } });
  t.deepEqual(byName.data!.Resources!.map((r) => r.id), [u.id]);
  const byExt = await scim.GET('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenant }, query: { filter: 'externalId eq "ext-lister"' } } });
  t.deepEqual(byExt.data!.Resources!.map((r) => r.id), [u.id]);
  t.is((await scim.GET('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenant }, query: { filter: 'externalId eq "EXT-LISTER"' } } })).data!.totalResults, 0, 'externalId is caseExact');
  const vaultMade = await scim.GET('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenant }, query: { filter: 'userName eq "vault-made"' } } });
  t.like(vaultMade.data!.Resources![0], { userName: 'vault-made', active: true, emails: [{ value: 'vault-made@example.org', primary: true }] });
  // attributes is not declared on the list operation; it arrives as an extra query parameter and is honoured.
  const slim = await scim.GET('/scim/v2/{tenant_id}/Users', {
    params: { path: { tenant_id: tenant }, query: { filter: 'userName eq "Lister"', attributes: 'externalId' } as { filter: string } }
  });
  t.deepEqual(Object.keys(slim.data!.Resources![0]).sort(), ['externalId', 'id', 'meta', 'schemas', 'userName']);
});

test('replaceScimUser: absent attributes are cleared, readOnly ones ignored; Vault view follows; 404, 409, 412', async (t) => {
  const u = await mustCreate({ userName: 'replace-me', name: { givenName: 'Re' }, locale: 'de-DE', emails: [{ value: 're@example.com', primary: true }] });
  const r = await scim.PUT('/scim/v2/{tenant_id}/Users/{user_id}', {
    params: path(u.id!),
    headers: { 'If-Match': 'W/"1"' },
    body: { id: 'ignored', userName: 'replaced', active: false, emails: [{ value: 'new@example.com', type: 'work' }], groups: [{ value: 'ignored' }] },
  });
  t.is(r.response.status, 200, JSON.stringify(r.error));
  t.is(r.data!.id, u.id);
  t.is(r.data!.userName, 'replaced');
  t.false(r.data!.active);
  t.false('name' in r.data!);
  t.false('locale' in r.data!);
  t.false('groups' in r.data!);
  t.is(r.data!.displayName, 'replaced', 'without a displayName the core keeps the userName');
  t.is(r.response.headers.get('etag'), 'W/"2"');
  const vault = await scim.GET('/users/{tenant_id}/{user_id}', { params: path(u.id!) });
  t.like(vault.data, { username: 'replaced', email: 'new@example.com', is_disabled: true, locale: null });
  scimError(t, await scim.PUT('/scim/v2/{tenant_id}/Users/{user_id}', { params: path(u.id!), headers: { 'If-Match': 'W/"1"' }, body: withEmail({ userName: 'stale' }) }), 412);
  await mustCreate({ userName: 'taken-name' });
  scimError(t, await scim.PUT('/scim/v2/{tenant_id}/Users/{user_id}', { params: path(u.id!), body: withEmail({ userName: 'Taken-Name' }) }), 409, 'uniqueness');
  scimError(t, await scim.PUT('/scim/v2/{tenant_id}/Users/{user_id}', { params: path('no-such-user'), body: withEmail({ userName: 'x' }) }), 404);
  t.is((await scim.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: path(u.id!) })).data!.userName, 'replaced', 'failed replaces changed nothing');
});

test('patchScimUser: deactivate with If-Match, version moves; stale 412; mutability, invalidPath, noTarget; 404', async (t) => {
  const u = await mustCreate({ userName: 'patch-me', emails: [{ value: 'p@example.com', type: 'work', primary: true }] });
  const ok = await scim.PATCH('/scim/v2/{tenant_id}/Users/{user_id}', {
    params: path(u.id!),
    headers: { 'If-Match': u.meta!.version! },
    body: { schemas: PATCH_OP, Operations: [{ op: 'Replace', path: 'active', value: false }, { op: 'add', path: 'name.familyName', value: 'Patched' }] },
  });
  t.is(ok.response.status, 200, JSON.stringify(ok.error));
  t.false(ok.data!.active);
  t.deepEqual(ok.data!.name, { familyName: 'Patched' });
  t.is(ok.data!.meta!.version, 'W/"2"');
  const patch = (Operations: components['schemas']['ScimPatchOperation'][], headers: Record<string, string> = {}, id = u.id!) =>
    scim.PATCH('/scim/v2/{tenant_id}/Users/{user_id}', { params: path(id), headers, body: { schemas: PATCH_OP, Operations } });
  scimError(t, await patch([{ op: 'replace', path: 'active', value: true }], { 'If-Match': 'W/"1"' }), 412);
  scimError(t, await patch([{ op: 'replace', path: 'id', value: 'mine' }]), 400, 'mutability');
  scimError(t, await patch([{ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }]), 400, 'mutability');
  scimError(t, await patch([{ op: 'replace', path: 'shoeSize', value: 44 }]), 400, 'invalidPath');
  scimError(t, await patch([{ op: 'replace', path: 'emails[type eq "home"].value', value: 'h@example.com' }]), 400, 'noTarget');
  scimError(t, await patch([{ op: 'remove' }]), 400, 'noTarget');
  scimError(t, await patch([{ op: 'remove', path: 'userName' }]), 400, 'invalidValue');
  scimError(t, await patch([{ op: 'add', path: 'active', value: true }], {}, 'no-such-user'), 404);
  const now = await scim.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: path(u.id!) });
  t.is(now.data!.meta!.version, 'W/"2"', 'refused patches changed nothing');
  // Provisioning clients also send the list as `operations` (lower case): it is applied the same way.
  const lower = await scim.PATCH('/scim/v2/{tenant_id}/Users/{user_id}', { params: path(u.id!), body: { schemas: PATCH_OP, operations: [{ op: 'add', path: 'active', value: true }] } });
  t.is(lower.response.status, 200);
  t.is(lower.data!.meta!.version, 'W/"3"');
});

test('deleteScimUser: 204, gone for SCIM and the Vault, out of its groups, its API keys revoked; stale If-Match 412; 404 twice', async (t) => {
  const u = await mustCreate({ userName: 'leaver' });
  const g = await scim.POST('/scim/v2/{tenant_id}/Groups', { params: { path: { tenant_id: tenant } }, body: { displayName: 'Leavers club', members: [{ value: u.id! }] } });
  t.is(g.response.status, 201);
  const key = await gw.createApiKey(tenant, ['scim'], u.id!);
  t.is((await vaultWithKey(gw, key.value).GET('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenant }, query: { count: 1 } } })).response.status, 200);
  scimError(t, await scim.DELETE('/scim/v2/{tenant_id}/Users/{user_id}', { params: path(u.id!), headers: { 'If-Match': 'W/"7"' } }), 412);
  t.is((await scim.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: path(u.id!) })).response.status, 200, 'a refused delete deletes nothing');
  const d = await scim.DELETE('/scim/v2/{tenant_id}/Users/{user_id}', { params: path(u.id!), headers: { 'If-Match': 'W/"1"' } });
  t.is(d.response.status, 204);
  scimError(t, await scim.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: path(u.id!) }), 404);
  t.is((await scim.GET('/users/{tenant_id}/{user_id}', { params: path(u.id!) })).response.status, 404);
  const group = await scim.GET('/scim/v2/{tenant_id}/Groups/{group_id}', { params: { path: { tenant_id: tenant, group_id: g.data!.id! } } });
  t.false('members' in group.data!);
  t.is(group.data!.meta!.version, 'W/"2"', 'the group changed: its version moved');
  t.is((await vaultWithKey(gw, key.value).GET('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenant } } })).response.status, 401, "the deleted user's key is revoked");
  scimError(t, await scim.DELETE('/scim/v2/{tenant_id}/Users/{user_id}', { params: path(u.id!) }), 404);
});

test('groups attribute: a user lists the groups that hold it, read-only', async (t) => {
  const u = await mustCreate({ userName: 'joiner' });
  const g1 = await scim.POST('/scim/v2/{tenant_id}/Groups', { params: { path: { tenant_id: tenant } }, body: { displayName: 'Joiners A', members: [{ value: u.id! }] } });
  const g2 = await scim.POST('/scim/v2/{tenant_id}/Groups', { params: { path: { tenant_id: tenant } }, body: { displayName: 'Joiners B', members: [{ value: u.id! }] } });
  const got = await scim.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: path(u.id!) });
  t.deepEqual(got.data!.groups!.map((g) => [g.value, g.display]), [[g1.data!.id, 'Joiners A'], [g2.data!.id, 'Joiners B']]);
  const byGroup = await scim.GET('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenant }, query: { filter: `groups.value eq "${g2.data!.id}"` } } });
  t.deepEqual(byGroup.data!.Resources!.map((r) => r.id), [u.id]);
});

test('scopes: a key without `scim` is 403 on every SCIM user route', async (t) => {
  const noScim = vaultWithKey(gw, (await gw.createApiKey(tenant, ['users:read', 'users:write'])).value);
  const u = await mustCreate({ userName: 'scoped' });
  const p = path(u.id!);
  const statuses = [
    (await noScim.GET('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenant } } })).response.status,
    (await noScim.POST('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenant } }, body: { userName: 'nope' } })).response.status,
    (await noScim.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: p })).response.status,
    (await noScim.PUT('/scim/v2/{tenant_id}/Users/{user_id}', { params: p, body: { userName: 'nope' } })).response.status,
    (await noScim.PATCH('/scim/v2/{tenant_id}/Users/{user_id}', { params: p, body: { schemas: PATCH_OP, Operations: [{ op: 'remove', path: 'name' }] } })).response.status,
    (await noScim.DELETE('/scim/v2/{tenant_id}/Users/{user_id}', { params: p })).response.status,
  ];
  t.deepEqual(statuses, [403, 403, 403, 403, 403, 403]);
  t.is((await scim.GET('/scim/v2/{tenant_id}/Users/{user_id}', { params: p })).data!.userName, 'scoped');
});

test('filters no index serves scan at most maxScan records, then answer 400 tooMany; indexed lookups still work', async (t) => {
  const small = await gw.createTenant(uniqueId('scim-scan'));
  for (const n of ['scan-a', 'scan-b', 'scan-c']) await gw.createUser(small, n);
  const endpoint = { store: gw.services.store, tenantId: small, baseUrl: `${gw.url}/api/scim/v2/${small}`, users: gw.services.identity.users, apiKeys: gw.services.identity.apiKeys, mapping: vaultUserMapping };
  const query = (filter: string) => ({ filter, selection: {}, maxScan: 2 });
  const e = await t.throwsAsync(listScimUsersDomain(endpoint, query('userName sw "scan"')), { instanceOf: GatewayError });
  t.deepEqual([e?.status, e?.options.scimType], [400, 'tooMany']);
  const hit = await listScimUsersDomain(endpoint, query('userName eq "SCAN-B" and active eq true'));
  t.deepEqual(hit.Resources.map((r) => r.userName), ['scan-b']);
  const all = await listScimUsersDomain(endpoint, { filter: 'userName sw "scan"', selection: {}, maxScan: 3 });
  t.is(all.totalResults, 3);
});
