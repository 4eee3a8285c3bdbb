/**
 * RFC 7644's own examples over HTTP, through the generated Vault client with response validation
 * on: the §3.4.2.2 filter table adapted to the attributes the Vault keeps (title → locale,
 * userType → roles, ims → roles), the §3.5.2 PATCH examples on users and groups, and §3.4.2.4
 * paging. The engine-level table is scim-engine.test.ts.
 */
import test from 'ava';
import type { components } from '../../generated/secrets-vault/schema.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { uniqueId } from './admin-helpers.ts';
import { ERROR_SCHEMA, PATCH_OP } from './scim-helpers.ts';

type ScimUser = components['schemas']['ScimUser'];
type ScimGroup = components['schemas']['ScimGroup'];

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

let gw: TestGateway;
let filterTenant: string;
const created = new Map<string, ScimUser>();

/** A Vault user needs an e-mail address; bodies that name none get one. */
async function createUser(tenant: string, given: ScimUser): Promise<ScimUser> {
  const body = given.emails ? given : { ...given, emails: [{ value: `${given.userName}@example.test`, primary: true }] };
  const r = await gw.clients.admin.vault.POST('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenant } }, body });
  if (r.response.status !== 201 || !r.data) throw new Error(`create ${body.userName}: ${r.response.status} ${JSON.stringify(r.error)}`);
  return r.data;
}

async function list(tenant: string, query: { filter?: string; startIndex?: number; count?: number }) {
  return gw.clients.admin.vault.GET('/scim/v2/{tenant_id}/Users', { params: { path: { tenant_id: tenant }, query }});
}

test.before(async () => {
  gw = await startTestGateway();
  filterTenant = await gw.createTenant(uniqueId('scim-rfc'));
  const users: ScimUser[] = [
    {
      schemas: [CORE],
      userName: 'bjensen',
      name: { familyName: 'Jensen', givenName: 'Barbara' },
      locale: 'en-US',
      roles: [{ value: 'Employee' }],
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
    },
    { userName: 'jsmith', name: { familyName: "O'Malley" }, roles: [{ value: 'Intern' }], emails: [{ value: 'jsmith@example.org', type: 'home' }] },
    { userName: 'Jane', locale: 'fr-FR', roles: [{ value: 'Contractor' }], emails: [{ value: 'jane@example.net', type: 'work' }] },
    { userName: 'mallory', roles: [{ value: 'Employee' }], emails: [{ value: 'mallory@example.org', type: 'home' }], active: false },
  ];
  // One at a time, so creation times (and so meta.lastModified) follow this order.
  for (const u of users) created.set(u.userName, await createUser(filterTenant, u));
});

test.after.always(async () => {
  await gw?.stop();
});

/** RFC 7644 §3.4.2.2's examples, in order, adapted to the Vault's attributes; `pivot` is jsmith's lastModified. */
const HTTP_FILTERS: [string, string[]][] = [
  ['userName eq "bjensen"', ['bjensen']],
  [`name.familyName co "O'Malley"`, ['jsmith']],
  ['userName sw "J"', ['jsmith', 'Jane']],
  [`${CORE}:userName sw "J"`, ['jsmith', 'Jane']],
  ['locale pr', ['bjensen', 'Jane']],
  ['meta.lastModified gt "{pivot}"', ['Jane', 'mallory']],
  ['meta.lastModified ge "{pivot}"', ['jsmith', 'Jane', 'mallory']],
  ['meta.lastModified lt "{pivot}"', ['bjensen']],
  ['meta.lastModified le "{pivot}"', ['bjensen', 'jsmith']],
  ['locale pr and roles eq "Employee"', ['bjensen']],
  ['locale pr or roles eq "Intern"', ['bjensen', 'jsmith', 'Jane']],
  [`schemas eq "${ENTERPRISE}"`, []],
  [`schemas eq "${CORE}"`, ['bjensen', 'jsmith', 'Jane', 'mallory']],
  ['roles eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['bjensen', 'mallory']],
  ['roles ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', ['Jane']],
  ['roles eq "Employee" and (emails.type eq "work")', ['bjensen']],
  ['roles eq "Employee" and emails[type eq "work" and value co "@example.com"]', ['bjensen']],
  ['emails[type eq "work" and value co "@example.com"] or roles[value eq "Intern"]', ['bjensen', 'jsmith']],
  ['active eq false', ['mallory']],
  ['USERNAME Eq "BJENSEN"', ['bjensen']],
  ['emails.value eq "BABS@JENSEN.ORG"', ['bjensen']],
];

for (const [template, expected] of HTTP_FILTERS) {
  test(`GET Users?filter=${template}`, async (t) => {
    const filter = template.replace('{pivot}', created.get('jsmith')!.meta!.lastModified!);
    const r = await list(filterTenant, { filter });
    t.is(r.response.status, 200, JSON.stringify(r.error));
    t.regex(r.response.headers.get('content-type') ?? '', /^application\/scim\+json/);
    t.deepEqual(r.data!.Resources?.map((u) => u.userName) ?? [], expected);
    t.is(r.data!.totalResults, expected.length);
  });
}

test('invalid filters over HTTP are 400 invalidFilter in the RFC 7644 §3.12 shape', async (t) => {
  for (const filter of ['userName eq', 'userName zz "a"', 'nosuch eq "x"', 'active lt true', '((userName eq "a")']) {
    const r = await list(filterTenant, { filter });
    t.is(r.response.status, 400, filter);
    t.deepEqual({ ...r.error, detail: undefined }, { schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidFilter', detail: undefined });
  }
});

test('§3.4.2.4 paging over HTTP: pages of 5 from 12 users, count=0, past the end, filter with paging', async (t) => {
  const tenant = await gw.createTenant(uniqueId('scim-page'));
  const names = Array.from({ length: 12 }, (_, i) => `page-user-${String(i).padStart(2, '0')}`);
  for (const userName of names) await createUser(tenant, { userName });
  const seen: string[] = [];
  for (const startIndex of [1, 6, 11]) {
    const r = await list(tenant, { startIndex, count: 5 });
    t.is(r.data!.totalResults, 12);
    t.is(r.data!.startIndex, startIndex);
    t.is(r.data!.itemsPerPage, startIndex === 11 ? 2 : 5);
    seen.push(...r.data!.Resources!.map((u) => u.userName));
  }
  t.deepEqual(seen, names, 'pages follow creation order without overlap or gap');
  const none = await list(tenant, { count: 0 });
  t.deepEqual([none.data!.totalResults, none.data!.itemsPerPage, none.data!.Resources?.length ?? 0], [12, 0, 0]);
  const past = await list(tenant, { startIndex: 13, count: 5 });
  t.deepEqual([past.data!.totalResults, past.data!.Resources?.length ?? 0], [12, 0]);
  const filtered = await list(tenant, { filter: 'userName ew "1" or userName ew "3"', startIndex: 2, count: 1 });
  t.deepEqual([filtered.data!.totalResults, filtered.data!.Resources!.map((u) => u.userName)], [3, ['page-user-03']]);
  const defaults = await list(tenant, {});
  t.deepEqual([defaults.data!.startIndex, defaults.data!.itemsPerPage], [1, 12]);
  t.is((await list(tenant, { startIndex: 0 })).response.status, 400, 'the spec bounds startIndex at 1');
  t.is((await list(tenant, { count: 101 })).response.status, 400, 'the spec bounds count at 100');
});

// ---------------------------------------------------------------- PATCH examples over HTTP

async function patchUser(tenant: string, id: string, Operations: components['schemas']['ScimPatchOperation'][]) {
  return gw.clients.admin.vault.PATCH('/scim/v2/{tenant_id}/Users/{user_id}', {
    params: { path: { tenant_id: tenant, user_id: id } },
    body: { schemas: PATCH_OP, Operations },
  });
}

async function patchGroup(tenant: string, id: string, Operations: components['schemas']['ScimPatchOperation'][]) {
  return gw.clients.admin.vault.PATCH('/scim/v2/{tenant_id}/Groups/{group_id}', {
    params: { path: { tenant_id: tenant, group_id: id } },
    body: { schemas: PATCH_OP, Operations },
  });
}

const ids = (g: ScimGroup | undefined) => (g?.members ?? []).map((m) => m.value);

test('§3.5.2 PATCH examples on a group: add a member, remove one by filter, remove all, swap, replace all', async (t) => {
  const tenant = await gw.createTenant(uniqueId('scim-patch-g'));
  const [a, b, c] = [await createUser(tenant, { userName: 'babs' }), await createUser(tenant, { userName: 'james' }), await createUser(tenant, { userName: 'carol' })];
  const g = await gw.clients.admin.vault.POST('/scim/v2/{tenant_id}/Groups', { params: { path: { tenant_id: tenant } }, body: { displayName: 'Tour Guides', members: [{ value: b.id! }] } });
  t.is(g.response.status, 201);
  const gid = g.data!.id!;
  const added = await patchGroup(tenant, gid, [{ op: 'add', path: 'members', value: [{ display: 'Babs Jensen', $ref: `https://example.com/v2/Users/${a.id}`, value: a.id }] }]);
  t.deepEqual(ids(added.data), [b.id, a.id]);
  t.is(added.data!.members!.find((m) => m.value === a.id)!.display, 'babs', 'display is the user\'s userName, not the client\'s text');
  const removed = await patchGroup(tenant, gid, [{ op: 'remove', path: `members[value eq "${a.id}"]` }]);
  t.deepEqual(ids(removed.data), [b.id]);
  const swapped = await patchGroup(tenant, gid, [
    { op: 'remove', path: `members[value eq "${b.id}"]` },
    { op: 'add', path: 'members', value: [{ display: 'James Smith', value: c.id }] },
  ]);
  t.deepEqual(ids(swapped.data), [c.id]);
  const replaced = await patchGroup(tenant, gid, [{ op: 'replace', path: 'members', value: [{ value: a.id }, { value: b.id }] }]);
  t.deepEqual(ids(replaced.data), [a.id, b.id]);
  const emptied = await patchGroup(tenant, gid, [{ op: 'remove', path: 'members' }]);
  t.deepEqual(ids(emptied.data), []);
  t.is(emptied.data!.meta!.version, 'W/"6"', 'every PATCH bumps the version');
});

test('§3.5.2 PATCH examples on a user: add without path, remove by filter, replace without path, replace a filtered sub-attribute', async (t) => {
  const tenant = await gw.createTenant(uniqueId('scim-patch-u'));
  const u = await createUser(tenant, { userName: 'bjensen', emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }] });
  const add = await patchUser(tenant, u.id!, [{ op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickname: 'Babs' } }]);
  t.is(add.response.status, 200, JSON.stringify(add.error));
  t.deepEqual(add.data!.emails, [{ value: 'bjensen@example.com', type: 'work', primary: true }, { value: 'babs@jensen.org', type: 'home' }]);
  const rm = await patchUser(tenant, u.id!, [{ op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' }]);
  t.deepEqual(rm.data!.emails, [{ value: 'babs@jensen.org', type: 'home' }]);
  const rep = await patchUser(tenant, u.id!, [{ op: 'replace', value: { emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }, { value: 'babs@jensen.org', type: 'home' }], nickname: 'Babs' } }]);
  t.deepEqual(rep.data!.emails!.map((e) => e.value), ['bjensen@example.com', 'babs@jensen.org']);
  const sub = await patchUser(tenant, u.id!, [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'barbara@example.com' }]);
  t.deepEqual(sub.data!.emails![0], { value: 'barbara@example.com', type: 'work', primary: true });
  // The primary address is the core's e-mail: the Vault's own user API sees the change.
  const vaultView = await gw.clients.admin.vault.GET('/users/{tenant_id}/{user_id}', { params: { path: { tenant_id: tenant, user_id: u.id! } } });
  t.is(vaultView.data!.email, 'barbara@example.com');
});
