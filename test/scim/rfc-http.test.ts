/**
 * RFC 7644's own examples over HTTP, ONE table run against both SCIM services of the gateway: the
 * Vault's (/api/scim/v2/{tenant_id}, admin key) and the Passkeys API's (/fido2/v2/scim, the
 * application's API key with profile:read and profile:write), each through its generated client with
 * response validation on. Both sit on the identity core's one SCIM implementation
 * (server/identity/scim); the table proves they answer alike. The §3.4.2.2 filter examples are
 * adapted to the attributes both APIs keep (title → externalId, userType → displayName); the §3.5.2
 * PATCH examples on users and groups; §3.4.2.4 paging. The engine-level table is
 * test/vault/scim-engine.test.ts.
 */
import test from 'ava';
import { createPasskeysClient } from '../../clients/passkeys.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { uniqueId } from '../vault/admin-helpers.ts';
import { ERROR_SCHEMA, PATCH_OP } from '../vault/scim-helpers.ts';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Reply {
  status: number;
  contentType: string;
  data?: Json;
  error?: Json;
}
type Op = { op: string; path?: string; value?: unknown };

/** One SCIM service's space (a Vault tenant, a Passkeys application), as the table drives it. */
interface Space {
  id: string;
  createUser(body: Json): Promise<Reply>;
  listUsers(query: { filter?: string; startIndex?: number; count?: number }): Promise<Reply>;
  patchUser(id: string, ops: Op[]): Promise<Reply>;
  createGroup(body: Json): Promise<Reply>;
  patchGroup(id: string, ops: Op[]): Promise<Reply>;
  /** The address the API's own (non-SCIM) view of the user shows. */
  ownEmail(id: string): Promise<string | null | undefined>;
}

interface Target {
  name: string;
  /** Whether the spec bounds `count` at 100 (a larger one is 400) or leaves it open (the server caps the page, RFC 7644 §3.4.2.4). */
  countAbove100: 'refused' | 'capped';
  space(label: string): Promise<Space>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const reply = async (p: Promise<{ response: Response; data?: any; error?: any }>): Promise<Reply> => {
  const r = await p;
  return { status: r.response.status, contentType: r.response.headers.get('content-type') ?? '', data: r.data, error: r.error };
};

let gw: TestGateway;

const vault: Target = {
  name: 'Vault',
  countAbove100: 'refused',
  async space(label) {
    const tenant = await gw.createTenant(uniqueId(label));
    const c = gw.clients.admin.vault;
    const path = { tenant_id: tenant };
    return {
      id: tenant,
      createUser: (body) => reply(c.POST('/scim/v2/{tenant_id}/Users', { params: { path }, body: body as never })),
      listUsers: (query) => reply(c.GET('/scim/v2/{tenant_id}/Users', { params: { path, query } })),
      patchUser: (id, Operations) => reply(c.PATCH('/scim/v2/{tenant_id}/Users/{user_id}', { params: { path: { ...path, user_id: id } }, body: { schemas: PATCH_OP, Operations } as never })),
      createGroup: (body) => reply(c.POST('/scim/v2/{tenant_id}/Groups', { params: { path }, body: body as never })),
      patchGroup: (id, Operations) => reply(c.PATCH('/scim/v2/{tenant_id}/Groups/{group_id}', { params: { path: { ...path, group_id: id } }, body: { schemas: PATCH_OP, Operations } as never })),
      ownEmail: async (id) => (await c.GET('/users/{tenant_id}/{user_id}', { params: { path: { tenant_id: tenant, user_id: id } } })).data?.email,
    };
  },
};

const passkeys: Target = {
  name: 'Passkeys',
  countAbove100: 'capped',
  async space(label) {
    const app = await gw.createTenant(uniqueId(label));
    const key = await gw.createApiKey(app, ['profile:read', 'profile:write']);
    const c = createPasskeysClient({ baseUrl: gw.url, auth: { apiKey_header_Authorization: key.value } });
    return {
      id: app,
      createUser: (body) => reply(c.POST('/scim/Users', { body: { schemas: [CORE], ...body } as never })),
      listUsers: (query) => reply(c.GET('/scim/Users', { params: { query } })),
      // LoginID names the list `operations` (seed 003); RFC 7644 `Operations`: the two alternate here.
      patchUser: (id, ops) => reply(c.PATCH('/scim/Users/{id}', { params: { path: { id } }, body: { schemas: PATCH_OP, operations: ops } as never })),
      createGroup: (body) => reply(c.POST('/scim/Groups', { body: { schemas: [GROUP], ...body } as never })),
      patchGroup: (id, ops) => reply(c.PATCH('/scim/Groups/{id}', { params: { path: { id } }, body: { schemas: PATCH_OP, Operations: ops } as never })),
      ownEmail: async (id) => (await gw.services.identity.users.get(app, id))?.email,
    };
  },
};

const TARGETS = [vault, passkeys];

/** Both APIs keep these users' attributes; a Vault user needs an e-mail address, so every one has one. */
const FILTER_USERS: Json[] = [
  {
    userName: 'bjensen',
    externalId: 'bj-1',
    displayName: 'Employee',
    name: { familyName: 'Jensen', givenName: 'Barbara' },
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
  },
  { userName: 'jsmith', displayName: 'Intern', name: { familyName: "O'Malley" }, emails: [{ value: 'jsmith@example.org', type: 'home' }] },
  { userName: 'Jane', externalId: 'jd-7', displayName: 'Contractor', emails: [{ value: 'jane@example.net', type: 'work' }] },
  { userName: 'mallory', displayName: 'Employee', emails: [{ value: 'mallory@example.org', type: 'home' }], active: false },
];

/** RFC 7644 §3.4.2.2's examples, in order; `{pivot}` is jsmith's lastModified. */
const FILTERS: [string, string[]][] = [
  ['userName eq "bjensen"', ['bjensen']],
  [`name.familyName co "O'Malley"`, ['jsmith']],
  ['userName sw "J"', ['jsmith', 'Jane']],
  [`${CORE}:userName sw "J"`, ['jsmith', 'Jane']],
  ['externalId pr', ['bjensen', 'Jane']],
  ['meta.lastModified gt "{pivot}"', ['Jane', 'mallory']],
  ['meta.lastModified ge "{pivot}"', ['jsmith', 'Jane', 'mallory']],
  ['meta.lastModified lt "{pivot}"', ['bjensen']],
  ['meta.lastModified le "{pivot}"', ['bjensen', 'jsmith']],
  ['externalId pr and displayName eq "Employee"', ['bjensen']],
  ['externalId pr or displayName eq "Intern"', ['bjensen', 'jsmith', 'Jane']],
  [`schemas eq "${ENTERPRISE}"`, []],
  [`schemas eq "${CORE}"`, ['bjensen', 'jsmith', 'Jane', 'mallory']],
  ['displayName eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['bjensen', 'mallory']],
  ['displayName ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', ['Jane']],
  ['displayName eq "Employee" and (emails.type eq "work")', ['bjensen']],
  ['displayName eq "Employee" and emails[type eq "work" and value co "@example.com"]', ['bjensen']],
  ['emails[type eq "work" and value co "@example.com"] or displayName eq "Intern"', ['bjensen', 'jsmith']],
  ['active eq false', ['mallory']],
  ['USERNAME Eq "BJENSEN"', ['bjensen']],
  ['emails.value eq "BABS@JENSEN.ORG"', ['bjensen']],
];

const INVALID_FILTERS = ['userName eq', 'userName zz "a"', 'nosuch eq "x"', 'active lt true', '((userName eq "a")'];

const filterSpaces = new Map<string, { space: Space; pivot: string }>();

test.before(async () => {
  gw = await startTestGateway();
  for (const target of TARGETS) {
    const space = await target.space('scim-rfc');
    let pivot = '';
    // One at a time, so creation times (and so meta.lastModified) follow this order.
    for (const u of FILTER_USERS) {
      const r = await space.createUser(u);
      if (r.status !== 201) throw new Error(`${target.name} create ${u.userName}: ${r.status} ${JSON.stringify(r.error)}`);
      if (u.userName === 'jsmith') pivot = r.data!.meta.lastModified;
    }
    filterSpaces.set(target.name, { space, pivot });
  }
});

test.after.always(async () => {
  await gw?.stop();
});

const withEmail = (userName: string, extra: Json = {}): Json => ({ userName, emails: [{ value: `${userName}@example.test`, primary: true }], ...extra });

for (const target of TARGETS) {
  for (const [template, expected] of FILTERS) {
    test(`${target.name}: GET Users?filter=${template}`, async (t) => {
      const { space, pivot } = filterSpaces.get(target.name)!;
      const r = await space.listUsers({ filter: template.replace('{pivot}', pivot) });
      t.is(r.status, 200, JSON.stringify(r.error));
      t.regex(r.contentType, /^application\/scim\+json/);
      t.deepEqual(r.data!.Resources?.map((u: Json) => u.userName) ?? [], expected);
      t.is(r.data!.totalResults, expected.length);
    });
  }

  test(`${target.name}: invalid filters are 400 invalidFilter in the RFC 7644 §3.12 shape`, async (t) => {
    const { space } = filterSpaces.get(target.name)!;
    for (const filter of INVALID_FILTERS) {
      const r = await space.listUsers({ filter });
      t.is(r.status, 400, filter);
      t.deepEqual({ schemas: r.error!.schemas, status: r.error!.status, scimType: r.error!.scimType }, { schemas: [ERROR_SCHEMA], status: '400', scimType: 'invalidFilter' });
      t.is(typeof r.error!.detail, 'string');
    }
  });

  test(`${target.name}: §3.4.2.4 paging: pages of 5 from 12 users, past the end, filter with paging`, async (t) => {
    const space = await target.space('scim-page');
    const names = Array.from({ length: 12 }, (_, i) => `page-user-${String(i).padStart(2, '0')}`);
    for (const userName of names) t.is((await space.createUser(withEmail(userName))).status, 201);
    const seen: string[] = [];
    for (const startIndex of [1, 6, 11]) {
      const r = await space.listUsers({ startIndex, count: 5 });
      t.is(r.data!.totalResults, 12);
      t.is(r.data!.startIndex, startIndex);
      t.is(r.data!.itemsPerPage, startIndex === 11 ? 2 : 5);
      seen.push(...r.data!.Resources.map((u: Json) => u.userName));
    }
    t.deepEqual(seen, names, 'pages follow creation order without overlap or gap');
    const past = await space.listUsers({ startIndex: 13, count: 5 });
    t.deepEqual([past.data!.totalResults, past.data!.Resources?.length ?? 0], [12, 0]);
    const filtered = await space.listUsers({ filter: 'userName ew "1" or userName ew "3"', startIndex: 2, count: 1 });
    t.deepEqual([filtered.data!.totalResults, filtered.data!.Resources.map((u: Json) => u.userName)], [3, ['page-user-03']]);
    const defaults = await space.listUsers({});
    t.deepEqual([defaults.data!.startIndex, defaults.data!.itemsPerPage], [1, 12]);
    t.is((await space.listUsers({ startIndex: 0 })).status, 400, 'both specs bound startIndex at 1');
    const big = await space.listUsers({ count: 101 });
    if (target.countAbove100 === 'refused') t.is(big.status, 400, 'the spec bounds count at 100');
    else t.deepEqual([big.status, big.data!.itemsPerPage], [200, 12], 'a count above the server maximum is capped');
  });

  test(`${target.name}: §3.5.2 PATCH examples on a group: add a member, remove one by filter, swap, replace all, remove all`, async (t) => {
    const space = await target.space('scim-patch-g');
    const [a, b, c] = await Promise.all(['babs', 'james', 'carol'].map(async (n) => (await space.createUser(withEmail(n))).data!));
    const g = await space.createGroup({ displayName: 'Tour Guides', members: [{ value: b.id }] });
    t.is(g.status, 201, JSON.stringify(g.error));
    const gid = g.data!.id;
    const ids = (r: Reply) => (r.data?.members ?? []).map((m: Json) => m.value);
    const added = await space.patchGroup(gid, [{ op: 'add', path: 'members', value: [{ display: 'Babs Jensen', $ref: `https://example.com/v2/Users/${a.id}`, value: a.id }] }]);
    t.deepEqual(ids(added), [b.id, a.id]);
    t.is(added.data!.members.find((m: Json) => m.value === a.id).display, 'babs', "display is the user's userName, not the client's text");
    t.deepEqual(ids(await space.patchGroup(gid, [{ op: 'remove', path: `members[value eq "${a.id}"]` }])), [b.id]);
    const swapped = await space.patchGroup(gid, [
      { op: 'remove', path: `members[value eq "${b.id}"]` },
      { op: 'add', path: 'members', value: [{ display: 'James Smith', value: c.id }] },
    ]);
    t.deepEqual(ids(swapped), [c.id]);
    t.deepEqual(ids(await space.patchGroup(gid, [{ op: 'replace', path: 'members', value: [{ value: a.id }, { value: b.id }] }])), [a.id, b.id]);
    const emptied = await space.patchGroup(gid, [{ op: 'remove', path: 'members' }]);
    t.deepEqual(ids(emptied), []);
    t.is(emptied.data!.meta.version, 'W/"6"', 'every PATCH bumps the version');
    const stranger = await space.patchGroup(gid, [{ op: 'add', path: 'members', value: [{ value: 'no-such-user' }] }]);
    t.is(stranger.status, 400, 'a member must be a user of the same tenant');
  });

  test(`${target.name}: §3.5.2 PATCH examples on a user: add without path, remove by filter, replace without path, replace a filtered sub-attribute`, async (t) => {
    const space = await target.space('scim-patch-u');
    const u = (await space.createUser({ userName: 'bjensen', emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }] })).data!;
    const add = await space.patchUser(u.id, [{ op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }], nickname: 'Babs' } }]);
    t.is(add.status, 200, JSON.stringify(add.error));
    t.deepEqual(add.data!.emails, [{ value: 'bjensen@example.com', type: 'work', primary: true }, { value: 'babs@jensen.org', type: 'home' }]);
    const rm = await space.patchUser(u.id, [{ op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' }]);
    t.deepEqual(rm.data!.emails, [{ value: 'babs@jensen.org', type: 'home' }]);
    const rep = await space.patchUser(u.id, [{ op: 'replace', value: { emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }, { value: 'babs@jensen.org', type: 'home' }], nickname: 'Babs' } }]);
    t.deepEqual(rep.data!.emails.map((e: Json) => e.value), ['bjensen@example.com', 'babs@jensen.org']);
    const sub = await space.patchUser(u.id, [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'barbara@example.com' }]);
    t.deepEqual(sub.data!.emails[0], { value: 'barbara@example.com', type: 'work', primary: true });
    // The primary address is the core's e-mail: the API's own view of the user sees the change.
    t.is(await space.ownEmail(u.id), 'barbara@example.com');
    const bad = await space.patchUser(u.id, [{ op: 'replace', path: 'emails[type eq', value: 'x' }]);
    t.deepEqual([bad.status, bad.error!.scimType], [400, 'invalidPath']);
    const readOnly = await space.patchUser(u.id, [{ op: 'replace', path: 'id', value: 'other' }]);
    t.deepEqual([readOnly.status, readOnly.error!.scimType], [400, 'mutability']);
  });
}
