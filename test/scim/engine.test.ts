/**
 * The SCIM engine (server/identity/scim) on plain resources, against RFC 7644's own examples:
 * every filter of §3.4.2.2, the PATCH examples of §3.5.2.1 to §3.5.2.3, paging of §3.4.2.4, and
 * attribute selection (§3.4.2.5 with RFC 7643 §7's `returned` rules). The same table runs over
 * HTTP in test/scim/rfc-http.test.ts (one table for the Vault's and the Passkeys API's SCIM).
 */
import test from 'ava';
import { GatewayError } from '../../server/http/errors.ts';
import { selectAttributes } from '../../server/identity/scim/attributes.ts';
import { checkIfMatch, etagOf } from '../../server/identity/scim/etag.ts';
import { matchesFilter, parseFilter, requiredEquality } from '../../server/identity/scim/filter.ts';
import { listResponse, pageOf, slicePage } from '../../server/identity/scim/list.ts';
import { applyPatch, readPatchRequest, type PatchOperation } from '../../server/identity/scim/patch.ts';
import { GROUP_SCHEMA, USER_SCHEMA } from '../../server/identity/scim/schema.ts';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** Four users shaped to tell RFC 7644 §3.4.2.2's example filters apart. */
const USERS: Record<string, Record<string, unknown>> = {
  bjensen: {
    schemas: [CORE, ENTERPRISE],
    id: '2819c223-7f76-453a-919d-413861904646',
    userName: 'bjensen',
    name: { familyName: 'Jensen', givenName: 'Barbara' },
    title: 'Tour Guide',
    userType: 'Employee',
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    meta: { lastModified: '2011-05-13T04:42:34Z' },
  },
  jsmith: {
    schemas: [CORE],
    id: 'b1',
    userName: 'jsmith',
    name: { familyName: "O'Malley" },
    userType: 'Intern',
    emails: [{ value: 'jsmith@example.org', type: 'home' }],
    ims: [{ value: 'js@foo.com', type: 'xmpp' }],
    meta: { lastModified: '2012-01-01T00:00:00Z' },
  },
  Jane: {
    schemas: [CORE],
    id: 'c1',
    userName: 'Jane',
    title: 'Engineer',
    userType: 'Contractor',
    emails: [{ value: 'jane@example.net', type: 'work' }],
    meta: { lastModified: '2010-01-01T00:00:00Z' },
  },
  mallory: {
    schemas: [CORE],
    id: 'd1',
    userName: 'mallory',
    userType: 'Employee',
    emails: [{ value: 'mallory@example.org', type: 'home' }],
    // The same instant as bjensen's, written differently: dateTimes compare chronologically.
    meta: { lastModified: '2011-05-13T04:42:34.000Z' },
  },
};

function run(filter: string): string[] {
  const ast = parseFilter(filter, USER_SCHEMA);
  return Object.entries(USERS)
    .filter(([, r]) => matchesFilter(ast, r, USER_SCHEMA))
    .map(([name]) => name);
}

/** RFC 7644 §3.4.2.2, every example filter in the order the RFC lists them. */
const RFC_FILTERS: [string, string[]][] = [
  ['userName eq "bjensen"', ['bjensen']],
  [`name.familyName co "O'Malley"`, ['jsmith']],
  ['userName sw "J"', ['jsmith', 'Jane']],
  ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"', ['jsmith', 'Jane']],
  ['title pr', ['bjensen', 'Jane']],
  ['meta.lastModified gt "2011-05-13T04:42:34Z"', ['jsmith']],
  ['meta.lastModified ge "2011-05-13T04:42:34Z"', ['bjensen', 'jsmith', 'mallory']],
  ['meta.lastModified lt "2011-05-13T04:42:34Z"', ['Jane']],
  ['meta.lastModified le "2011-05-13T04:42:34Z"', ['bjensen', 'Jane', 'mallory']],
  ['title pr and userType eq "Employee"', ['bjensen']],
  ['title pr or userType eq "Intern"', ['bjensen', 'jsmith', 'Jane']],
  [`schemas eq "${ENTERPRISE}"`, ['bjensen']],
  ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['bjensen', 'mallory']],
  ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', ['Jane']],
  ['userType eq "Employee" and (emails.type eq "work")', ['bjensen']],
  ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', ['bjensen']],
  ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', ['bjensen', 'jsmith']],
];

for (const [filter, expected] of RFC_FILTERS) {
  test(`RFC 7644 §3.4.2.2 filter: ${filter}`, (t) => {
    t.deepEqual(run(filter), expected);
  });
}

test('filters: names and operators are case-insensitive; userName is not caseExact, id is', (t) => {
  t.deepEqual(run('USERNAME EQ "BJENSEN"'), ['bjensen']);
  t.deepEqual(run('Emails.Value Ew "@EXAMPLE.ORG"'), ['jsmith', 'mallory']);
  t.deepEqual(run('id eq "2819C223-7F76-453A-919D-413861904646"'), []);
  t.deepEqual(run('id eq "2819c223-7f76-453a-919d-413861904646"'), ['bjensen']);
  t.deepEqual(run('userName gt "j" and userName lt "k"'), ['jsmith', 'Jane'], 'lexicographic order on the case-folded value');
  t.deepEqual(run('not (userType eq "Employee") and title pr'), ['Jane']);
  t.deepEqual(run('nickName ne "x"'), Object.keys(USERS), 'ne matches an absent value');
});

test('filters: the indexable equality is found inside an and, and nowhere else', (t) => {
  t.is(requiredEquality(parseFilter('userName eq "Bob" and active eq true', USER_SCHEMA), USER_SCHEMA, 'userName'), 'Bob');
  t.is(requiredEquality(parseFilter(`${CORE}:userName eq "Bob"`, USER_SCHEMA), USER_SCHEMA, 'userName'), 'Bob');
  t.is(requiredEquality(parseFilter('userName eq "Bob" or active eq true', USER_SCHEMA), USER_SCHEMA, 'userName'), null);
  t.is(requiredEquality(parseFilter('not (userName eq "Bob")', USER_SCHEMA), USER_SCHEMA, 'userName'), null);
});

const INVALID_FILTERS = [
  'userName eq',
  'userName xx "a"',
  '(userName eq "a"',
  'userName eq "a" and',
  'emails[type eq "work"',
  'nosuchAttribute eq "a"',
  'active gt true',
  'active co "t"',
  'name co "x"',
  'password eq "secret"',
  'emails[value eq "a"][type eq "b"]',
  `${ENTERPRISE}:employeeNumber eq "1"`,
  'x'.repeat(5000),
];

for (const filter of INVALID_FILTERS) {
  test(`invalid filter is 400 invalidFilter: ${filter.slice(0, 40)}`, (t) => {
    const error = t.throws(() => parseFilter(filter, USER_SCHEMA), { instanceOf: GatewayError });
    t.is(error?.status, 400);
    t.is(error?.options.scimType, 'invalidFilter');
  });
}

// ---------------------------------------------------------------- PATCH (RFC 7644 §3.5.2)

const MEMBER_A = '2819c223-7f76-453a-919d-413861904646';
const MEMBER_B = '902c246b-6245-4190-8e05-00816be7344a';
const MEMBER_C = 'c2b36d4a-1fd6-4bd1-a74b-4cbf8e4e6a2b';

const group = (members: string[]) => ({
  schemas: [GROUP_SCHEMA.id],
  id: 'acbf3ae7-8463-4692-b4fd-9b4da3f908ce',
  displayName: 'Tour Guides',
  ...(members.length ? { members: members.map((value) => ({ value, display: value.slice(0, 4) })) } : {}),
  meta: { resourceType: 'Group', version: 'W/"3"' },
});

const patchGroup = (members: string[], ops: PatchOperation[]) => applyPatch(group(members), ops, GROUP_SCHEMA);
const memberIds = (r: Record<string, unknown>) => ((r.members as { value: string }[] | undefined) ?? []).map((m) => m.value);

test('§3.5.2.1 add members: appended, and an existing member is not duplicated', (t) => {
  const r = patchGroup([MEMBER_B], [{ op: 'add', path: 'members', value: [{ display: 'Babs Jensen', $ref: `https://example.com/v2/Users/${MEMBER_A}`, value: MEMBER_A }] }]);
  t.deepEqual(memberIds(r), [MEMBER_B, MEMBER_A]);
  t.deepEqual(memberIds(applyPatch(r, [{ op: 'add', path: 'members', value: [{ value: MEMBER_A }] }], GROUP_SCHEMA)), [MEMBER_B, MEMBER_A]);
});

test('§3.5.2.1 add without a path: emails appended, nickname (any case) set', (t) => {
  const r = applyPatch(USERS.bjensen, [{ op: 'add', value: { emails: [{ value: 'babs@jensen.org', type: 'home' }, { value: 'b@example.net', type: 'other' }], nickname: 'Babs' } }], USER_SCHEMA);
  t.is(r.nickName, 'Babs');
  t.deepEqual((r.emails as { value: string }[]).map((e) => e.value), ['bjensen@example.com', 'babs@jensen.org', 'b@example.net']);
  t.is((USERS.bjensen.emails as unknown[]).length, 2, 'the input resource is left untouched');
});

test('§3.5.2.2 remove one member by filter, all members, and replace one by remove + add', (t) => {
  t.deepEqual(memberIds(patchGroup([MEMBER_A, MEMBER_B], [{ op: 'remove', path: `members[value eq "${MEMBER_A}"]` }])), [MEMBER_B]);
  t.deepEqual(memberIds(patchGroup([MEMBER_A, MEMBER_B], [{ op: 'remove', path: 'members' }])), []);
  t.false('members' in patchGroup([MEMBER_A], [{ op: 'remove', path: 'members' }]), 'an emptied attribute is unassigned');
  const swapped = patchGroup([MEMBER_A, MEMBER_B], [
    { op: 'remove', path: `members[value eq "${MEMBER_A}"]` },
    { op: 'add', path: 'members', value: [{ display: 'James Smith', value: MEMBER_C }] },
  ]);
  t.deepEqual(memberIds(swapped), [MEMBER_B, MEMBER_C]);
});

test('§3.5.2.2 remove by a multi-part filter: emails[type eq "work" and value ew "example.com"]', (t) => {
  const r = applyPatch(USERS.bjensen, [{ op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' }], USER_SCHEMA);
  t.deepEqual(r.emails, [{ value: 'babs@jensen.org', type: 'home' }]);
});

test('§3.5.2.2 remove an x509Certificates value by filter', (t) => {
  const withCerts = { ...USERS.bjensen, x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx' }, { value: 'MIIB' }] };
  const r = applyPatch(withCerts, [{ op: 'remove', path: 'x509Certificates[value eq "MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx"]' }], USER_SCHEMA);
  t.deepEqual(r.x509Certificates, [{ value: 'MIIB' }]);
});

test('§3.5.2.3 replace all members', (t) => {
  const r = patchGroup([MEMBER_A], [{ op: 'replace', path: 'members', value: [{ display: 'Babs Jensen', value: MEMBER_B }, { display: 'James Smith', value: MEMBER_C }] }]);
  t.deepEqual(memberIds(r), [MEMBER_B, MEMBER_C]);
});

test('§3.5.2.3 replace a filtered address, then one sub-attribute of it', (t) => {
  const base = { ...USERS.bjensen, addresses: [{ type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood' }, { type: 'home', streetAddress: '456 Hollywood Blvd' }] };
  const work = { type: 'work', streetAddress: '911 Universal City Plaza', locality: 'Hollywood', region: 'CA', postalCode: '91608', country: 'US', formatted: '911 Universal City Plaza\nHollywood, CA 91608 US', primary: true };
  const r1 = applyPatch(base, [{ op: 'replace', path: 'addresses[type eq "work"]', value: work }], USER_SCHEMA);
  t.deepEqual((r1.addresses as unknown[])[0], work);
  const r2 = applyPatch(r1, [{ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' }], USER_SCHEMA);
  t.is((r2.addresses as { streetAddress: string }[])[0].streetAddress, '1010 Broadway Ave');
  t.is((r2.addresses as { streetAddress: string }[])[1].streetAddress, '456 Hollywood Blvd');
});

test('§3.5.2.3 replace without a path: emails replaced as a whole, nickname set', (t) => {
  const emails = [{ value: 'bjensen@example.com', type: 'work', primary: true }, { value: 'babs@jensen.org', type: 'home' }];
  const r = applyPatch({ ...USERS.bjensen, emails: [{ value: 'old@example.com', type: 'work' }] }, [{ op: 'replace', value: { emails, nickname: 'Babs' } }], USER_SCHEMA);
  t.deepEqual(r.emails, emails);
  t.is(r.nickName, 'Babs');
});

test('PATCH: complex replace merges sub-attributes; replace on an unmatched filter is noTarget; add creates from pinned equalities', (t) => {
  const r = applyPatch(USERS.bjensen, [{ op: 'replace', path: 'name', value: { middleName: 'Jane' } }], USER_SCHEMA);
  t.deepEqual(r.name, { familyName: 'Jensen', givenName: 'Barbara', middleName: 'Jane' });
  const e = t.throws(() => applyPatch(USERS.bjensen, [{ op: 'replace', path: 'emails[type eq "other"].value', value: 'x@example.com' }], USER_SCHEMA), { instanceOf: GatewayError });
  t.is(e?.options.scimType, 'noTarget');
  const added = applyPatch(USERS.Jane, [{ op: 'add', path: 'emails[type eq "home"].value', value: 'jane@home.example' }], USER_SCHEMA);
  t.deepEqual(added.emails, [{ value: 'jane@example.net', type: 'work' }, { type: 'home', value: 'jane@home.example' }]);
});

test('PATCH: a new primary value demotes the old one (RFC 7643 §2.4)', (t) => {
  const r = applyPatch(USERS.bjensen, [{ op: 'add', path: 'emails', value: [{ value: 'new@example.com', type: 'work', primary: true }] }], USER_SCHEMA);
  t.deepEqual((r.emails as { value: string; primary?: boolean }[]).filter((e) => e.primary).map((e) => e.value), ['new@example.com']);
  const e = t.throws(() => applyPatch(USERS.bjensen, [{ op: 'replace', path: 'emails', value: [{ value: 'a@x.org', primary: true }, { value: 'b@x.org', primary: true }] }], USER_SCHEMA));
  t.is((e as GatewayError).options.scimType, 'invalidValue');
});

const PATCH_ERRORS: [string, PatchOperation[], string][] = [
  ['remove without a path', [{ op: 'remove' }], 'noTarget'],
  ['an unknown attribute', [{ op: 'replace', path: 'favouriteColour', value: 'blue' }], 'invalidPath'],
  ['a path nested too deep', [{ op: 'replace', path: 'name.familyName.x', value: 'x' }], 'invalidPath'],
  ['a malformed value filter', [{ op: 'remove', path: 'emails[type eq ]' }], 'invalidPath'],
  ['an unclosed value filter', [{ op: 'remove', path: 'emails[type eq "work"' }], 'invalidPath'],
  ['a value filter on a simple attribute', [{ op: 'remove', path: 'userName[value eq "x"]' }], 'invalidPath'],
  ['the read-only id', [{ op: 'replace', path: 'id', value: 'mine' }], 'mutability'],
  ['the read-only meta', [{ op: 'replace', path: 'meta.version', value: 'W/"9"' }], 'mutability'],
  ['the read-only groups', [{ op: 'add', path: 'groups', value: [{ value: 'g1' }] }], 'mutability'],
  ['a changed id in a path-less value', [{ op: 'replace', value: { id: 'other' } }], 'mutability'],
  ['a wrong type', [{ op: 'replace', path: 'active', value: 'yes' }], 'invalidValue'],
  ['removing the required userName', [{ op: 'remove', path: 'userName' }], 'invalidValue'],
  ['a path-less value that is not an object', [{ op: 'add', value: 'x' }], 'invalidValue'],
  ['add without a value', [{ op: 'add', path: 'title' }], 'invalidValue'],
];

for (const [name, ops, scimType] of PATCH_ERRORS) {
  test(`PATCH error: ${name} is 400 ${scimType}`, (t) => {
    const e = t.throws(() => applyPatch(USERS.bjensen, ops, USER_SCHEMA), { instanceOf: GatewayError });
    t.is(e?.status, 400);
    t.is(e?.options.scimType, scimType);
  });
}

test('PATCH: an unchanged read-only attribute echoed in a path-less value and an extension path are ignored', (t) => {
  const r = applyPatch(USERS.bjensen, [
    { op: 'replace', value: { id: USERS.bjensen.id, active: false } },
    { op: 'add', path: `${ENTERPRISE}:employeeNumber`, value: '701984' },
    { op: 'replace', path: `${CORE}:name.givenName`, value: 'Babs' },
  ], USER_SCHEMA);
  t.false(r.active);
  t.is((r.name as { givenName: string }).givenName, 'Babs');
});

test('PatchOp request: op names any case, Operations or operations, the PatchOp schema required', (t) => {
  const schemas = ['urn:ietf:params:scim:api:messages:2.0:PatchOp'];
  t.deepEqual(readPatchRequest({ schemas, Operations: [{ op: 'Replace', path: 'active', value: false }] }), [{ op: 'replace', path: 'active', value: false }]);
  t.deepEqual(readPatchRequest({ schemas, operations: [{ OP: 'ADD', value: { title: 'x' } }] }), [{ op: 'add', value: { title: 'x' } }]);
  for (const bad of [{ Operations: [{ op: 'add' }] }, { schemas, Operations: [] }, { schemas, Operations: [{ op: 'move', path: 'a' }] }, { schemas }]) {
    const e = t.throws(() => readPatchRequest(bad), { instanceOf: GatewayError });
    t.is(e?.options.scimType, 'invalidSyntax');
  }
});

// ---------------------------------------------------------------- paging and attributes

test('§3.4.2.4 paging: 1-based startIndex, count as page size, count=0 for totalResults only, bounds', (t) => {
  const all = Array.from({ length: 100 }, (_, i) => i + 1);
  const first = pageOf(1, 10, 100);
  const r1 = listResponse(all.length, first, slicePage(all, first));
  t.deepEqual([r1.totalResults, r1.startIndex, r1.itemsPerPage, r1.Resources[0], r1.Resources[9]], [100, 1, 10, 1, 10]);
  const next = pageOf(11, 10, 100);
  t.deepEqual(slicePage(all, next), all.slice(10, 20));
  const last = pageOf(95, 10, 100);
  t.deepEqual(slicePage(all, last), [95, 96, 97, 98, 99, 100]);
  t.deepEqual(slicePage(all, pageOf(101, 10, 100)), []);
  t.deepEqual(pageOf(0, -5, 100), { startIndex: 1, count: 0 }, 'startIndex < 1 reads as 1, negative count as 0');
  t.deepEqual(pageOf(undefined, 500, 100), { startIndex: 1, count: 100 }, 'count is capped at the server maximum');
  t.is(listResponse(100, pageOf(1, 0, 100), []).itemsPerPage, 0);
});

test('attributes / excludedAttributes: returned always, never, default and sub-attributes', (t) => {
  const user = { ...USERS.bjensen, password: 't1meMa$heen', meta: { resourceType: 'User', version: 'W/"1"' } };
  const only = selectAttributes(user, USER_SCHEMA, { attributes: ['userName', 'name.familyName'] });
  t.deepEqual(Object.keys(only).sort(), ['id', 'meta', 'name', 'schemas', 'userName']);
  t.deepEqual(only.name, { familyName: 'Jensen' });
  const without = selectAttributes(user, USER_SCHEMA, { excludedAttributes: ['emails', 'ID', 'name.givenName', `${CORE}:title`] });
  t.false('emails' in without);
  t.false('title' in without);
  t.true('id' in without, 'id is returned always, even when excluded');
  t.deepEqual(without.name, { familyName: 'Jensen' });
  t.false('password' in without, 'password is returned never');
  t.false('password' in selectAttributes(user, USER_SCHEMA, { attributes: ['password'] }));
  const always = selectAttributes(user, USER_SCHEMA, { attributes: ['title'] }, ['userName']);
  t.is(always.userName, 'bjensen', 'an API may return more attributes always');
  t.deepEqual(selectAttributes(user, USER_SCHEMA, { attributes: ['emails.value'] }).emails, [{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }]);
});

test('ETags: W/"<version>", If-Match by opaque tag, * and lists; a stale tag is 412', (t) => {
  t.is(etagOf(7), 'W/"7"');
  t.notThrows(() => checkIfMatch(undefined, 7));
  t.notThrows(() => checkIfMatch('W/"7"', 7));
  t.notThrows(() => checkIfMatch('"7"', 7));
  t.notThrows(() => checkIfMatch('W/"6", W/"7"', 7));
  t.notThrows(() => checkIfMatch('*', 7));
  const e = t.throws(() => checkIfMatch('W/"6"', 7), { instanceOf: GatewayError });
  t.is(e?.status, 412);
});
