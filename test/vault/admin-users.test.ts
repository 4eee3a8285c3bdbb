/**
 * Vault users through the API: create, batch create (duplicates and failures per item), get, get by
 * name, list (literal case-insensitive filters, sort, paging edges), update, batch delete, scopes,
 * and another tenant's users out of reach.
 */
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { loose, uniqueId, vaultWithKey, type Loose } from './admin-helpers.ts';
import type { components } from '../../generated/secrets-vault/schema.ts';

type User = components['schemas']['User'];

let gw: TestGateway;
let tenantA: string;
let tenantB: string;
let adminA: ReturnType<typeof vaultWithKey>;
let adminB: ReturnType<typeof vaultWithKey>;

test.before(async () => {
  gw = await startTestGateway();
  tenantA = await gw.createTenant(uniqueId('ua'));
  tenantB = await gw.createTenant(uniqueId('ub'));
  adminA = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['users:read', 'users:write'])).value);
  adminB = vaultWithKey(gw, (await gw.createApiKey(tenantB, ['users:read', 'users:write'])).value);
});
test.after.always(async () => {
  await gw?.stop();
});

const user = (tenant: string, username: string, over: Loose<User> = {}): User =>
  loose<User>({
    user_id: 'ignored-by-the-server',
    username,
    email: `${username.toLowerCase()}@example.org`,
    tenant_id: tenant,
    ...over,
  });

async function makeTenant(prefix: string) {
  const tenant = await gw.createTenant(uniqueId(prefix));
  const key = vaultWithKey(gw, (await gw.createApiKey(tenant, ['users:read', 'users:write'])).value);
  return { tenant, key };
}

test('createUser assigns the id, keeps the fields, and the path tenant wins over the body', async (t) => {
  const r = await adminA.POST('/users/{tenant_id}', {
    params: { path: { tenant_id: tenantA } },
    body: user(tenantB, 'Alice', { locale: 'fr-FR', roles: ['admin'], external_id: 'ext-1', is_verified: true }),
  });
  t.is(r.response.status, 201);
  const u = r.data!;
  t.not(u.user_id, 'ignored-by-the-server');
  t.is(u.tenant_id, tenantA);
  t.is(u.username, 'Alice');
  t.is(u.email, 'alice@example.org');
  t.is(u.locale, 'fr-FR');
  t.deepEqual(u.roles, ['admin']);
  t.is(u.external_id, 'ext-1');
  t.true(u.is_verified);
  t.false(u.is_disabled);
  t.truthy(Date.parse(u.created_at!));
  const got = await adminA.GET('/users/{tenant_id}/{user_id}', { params: { path: { tenant_id: tenantA, user_id: u.user_id } } });
  t.deepEqual(got.data, u);
  const byName = await adminA.GET('/users/{tenant_id}/by-username/{username}', { params: { path: { tenant_id: tenantA, username: 'aLiCe' } } });
  t.is(byName.data?.user_id, u.user_id, 'usernames compare case-insensitively');
});

test('createUser: a taken username (any case) is 409; a bad e-mail or username is 422', async (t) => {
  const name = `Bob${Date.now()}`;
  t.is((await adminA.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenantA } }, body: user(tenantA, name) })).response.status, 201);
  const dup = await adminA.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenantA } }, body: user(tenantA, name.toUpperCase()) });
  t.is(dup.response.status, 409);
  t.regex((dup.error as { detail: string }).detail, /already exists/);
  t.is((await adminA.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenantA } }, body: user(tenantA, 'carol', { email: 'not-an-email' }) })).response.status, 422);
  t.is((await adminA.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenantA } }, body: user(tenantA, 'has space', { email: 'x@example.org' }) })).response.status, 422);
  t.is((await adminA.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenantA } }, body: user(tenantA, 'x'.repeat(129), { email: 'x@example.org' }) })).response.status, 422);
  // The same username in another tenant is another user.
  t.is((await adminB.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenantB } }, body: user(tenantB, name) })).response.status, 201);
});

test('get, get by name: unknown ids and names are 404', async (t) => {
  t.is((await adminA.GET('/users/{tenant_id}/{user_id}', { params: { path: { tenant_id: tenantA, user_id: 'nobody' } } })).response.status, 404);
  t.is((await adminA.GET('/users/{tenant_id}/by-username/{username}', { params: { path: { tenant_id: tenantA, username: 'nobody-here' } } })).response.status, 404);
});

test('batchCreateUser reports created, duplicate (existing and within the batch) and failed usernames', async (t) => {
  const { tenant, key } = await makeTenant('batch');
  await key.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenant } }, body: user(tenant, 'existing') });
  const r = await key.POST('/users/{tenant_id}/batch', {
    params: { path: { tenant_id: tenant } },
    body: { users: [user(tenant, 'one'), user(tenant, 'EXISTING'), user(tenant, 'two'), user(tenant, 'One', { email: 'o@example.org' }), user(tenant, 'bad name!', { email: 'b@example.org' })] },
  });
  t.is(r.response.status, 201);
  t.deepEqual(r.data, { success_created_count: 2, fail_create_usernames: ['bad name!'], duplicate_usernames: ['EXISTING', 'One'] });
  const list = await key.GET('/users/{tenant_id}', { params: { path: { tenant_id: tenant }, query: { sort_by: 'username', sort_direction: 1 } } });
  t.deepEqual(list.data!.data.map((u) => u.username), ['existing', 'one', 'two']);
  t.is((await key.POST('/users/{tenant_id}/batch', { params: { path: { tenant_id: tenant } }, body: {} as { users: User[] } })).response.status, 422);
});

test('listUsers: literal case-insensitive contains-filters; regex metacharacters match only themselves', async (t) => {
  const { tenant, key } = await makeTenant('filter');
  const people: [string, string][] = [
    ['alpha', 'alpha@Example.org'],
    ['Alphabet', 'abc@example.org'],
    ['beta', 'c+d@example.org'],
    ['a.b', 'ccd@example.org'],
    ['axb', 'star*@example.org'],
    ['gamma', 'sta@example.org'],
    ['delta', 'x{2}@example.org'],
    ['eps', 'xx@example.org'],
  ];
  const made = await key.POST('/users/{tenant_id}/batch', { params: { path: { tenant_id: tenant } }, body: { users: people.map(([n, e]) => user(tenant, n, { email: e })) } });
  t.is(made.data!.success_created_count, people.length);
  // RFC 3986 sub-delimiters ( ) * ! ' are legal in a query but the request validator wants them
  // percent-encoded (encodeURIComponent leaves them), so this serializer encodes them too.
  const strict = (q: Record<string, unknown>) =>
    Object.entries(q)
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`)
      .join('&');
  const find = async (query: { username?: string; email?: string }) => {
    const r = await key.GET('/users/{tenant_id}', {
      params: { path: { tenant_id: tenant }, query: { ...query, sort_by: 'username', sort_direction: 1, limit: 100 } },
      querySerializer: strict,
    });
    t.is(r.response.status, 200, JSON.stringify(r.error));
    return r.data!.data.map((u) => u.username);
  };
  t.deepEqual(await find({ username: 'ALPHA' }), ['alpha', 'Alphabet']);
  t.deepEqual(await find({ username: 'a.b' }), ['a.b'], '"." is literal');
  t.deepEqual(await find({ username: '.*' }), [], '".*" matches nothing literal');
  t.deepEqual(await find({ username: '(' }), [], 'an unbalanced parenthesis is just a character');
  t.deepEqual(await find({ username: '^a' }), []);
  t.deepEqual(await find({ username: '[ab]' }), []);
  t.deepEqual(await find({ username: '\\' }), []);
  t.deepEqual(await find({ email: 'c+d' }), ['beta'], '"+" is literal');
  t.deepEqual(await find({ email: 'star*' }), ['axb'], '"*" is literal');
  t.deepEqual(await find({ email: 'x{2}' }), ['delta'], 'braces are literal');
  t.deepEqual(await find({ email: 'EXAMPLE.ORG' }), people.map(([n]) => n).sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase())));
  t.deepEqual(await find({ username: 'a', email: 'ab' }), ['Alphabet']);
  t.is((await key.GET('/users/{tenant_id}', { params: { path: { tenant_id: tenant }, query: { username: 'x'.repeat(129) } } })).response.status, 422);
});

test('listUsers sorts by created_at, username or email in either direction', async (t) => {
  const { tenant, key } = await makeTenant('sort');
  const created: string[] = [];
  for (const [n, e] of [['carol', 'a@example.org'], ['Alice', 'c@example.org'], ['bob', 'b@example.org']]) {
    await key.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenant } }, body: user(tenant, n, { email: e }) });
    created.push(n);
    await new Promise((r) => setTimeout(r, 5)); // distinct created_at
  }
  const order = async (sort_by: 'created_at' | 'username' | 'email', sort_direction: number) =>
    (await key.GET('/users/{tenant_id}', { params: { path: { tenant_id: tenant }, query: { sort_by, sort_direction } } })).data!.data.map((u) => u.username);
  t.deepEqual(await order('username', 1), ['Alice', 'bob', 'carol']);
  t.deepEqual(await order('username', -1), ['carol', 'bob', 'Alice']);
  t.deepEqual(await order('email', 1), ['carol', 'bob', 'Alice']);
  t.deepEqual(await order('created_at', 1), created);
  t.deepEqual(await order('created_at', -1), [...created].reverse());
  const dflt = (await key.GET('/users/{tenant_id}', { params: { path: { tenant_id: tenant } } })).data!.data.map((u) => u.username);
  t.deepEqual(dflt, [...created].reverse(), 'default: created_at, newest first');
  t.is((await key.GET('/users/{tenant_id}', { params: { path: { tenant_id: tenant }, query: { sort_direction: 2 } } })).response.status, 422);
  t.is((await key.GET('/users/{tenant_id}', { params: { path: { tenant_id: tenant }, query: { sort_by: 'password' as 'email' } } })).response.status, 422);
});

test('listUsers paging: has_next, total_count, offset past the end, the limit bounds', async (t) => {
  const { tenant, key } = await makeTenant('paging');
  await key.POST('/users/{tenant_id}/batch', { params: { path: { tenant_id: tenant } }, body: { users: Array.from({ length: 12 }, (_, i) => user(tenant, `p${String(i).padStart(2, '0')}`)) } });
  const page = async (query: { offset?: number; limit?: number }) => key.GET('/users/{tenant_id}', { params: { path: { tenant_id: tenant }, query: { sort_by: 'username', sort_direction: 1, ...query } } });
  const first = (await page({})).data!;
  t.is(first.data.length, 10, 'default limit 10');
  t.true(first.has_next);
  t.is(first.total_count, 12);
  const second = (await page({ offset: 10 })).data!;
  t.deepEqual(second.data.map((u) => u.username), ['p10', 'p11']);
  t.false(second.has_next);
  const exact = (await page({ offset: 7, limit: 5 })).data!;
  t.is(exact.data.length, 5);
  t.false(exact.has_next, 'the last page exactly');
  const past = (await page({ offset: 500 })).data!;
  t.deepEqual(past.data, []);
  t.false(past.has_next);
  t.is(past.total_count, 12);
  const max = await page({ limit: 500 });
  t.is(max.response.status, 200);
  t.is(max.data!.data.length, 12);
  t.is((await page({ limit: 501 })).response.status, 422);
  t.is((await page({ limit: 0 })).response.status, 422);
  t.is((await page({ offset: -1 })).response.status, 422);
});

test('updateUser replaces the profile fields, keeps created_at, and refuses a taken username', async (t) => {
  const { tenant, key } = await makeTenant('upd');
  const made = (await key.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenant } }, body: user(tenant, 'dave', { locale: 'en', roles: ['a'] }) })).data!;
  await key.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenant } }, body: user(tenant, 'erin') });
  const r = await key.PUT('/users/{tenant_id}/{user_id}', {
    params: { path: { tenant_id: tenant, user_id: made.user_id } },
    body: { ...made, username: 'david', email: 'david@example.org', is_disabled: true, locale: null, roles: null, created_at: '2000-01-01T00:00:00Z' },
  });
  t.is(r.response.status, 200);
  t.is(r.data!.username, 'david');
  t.is(r.data!.email, 'david@example.org');
  t.true(r.data!.is_disabled);
  t.is(r.data!.locale, null);
  t.is(r.data!.roles, null);
  t.is(r.data!.created_at, made.created_at);
  t.true(Date.parse(r.data!.updated_at!) >= Date.parse(made.updated_at!));
  const taken = await key.PUT('/users/{tenant_id}/{user_id}', { params: { path: { tenant_id: tenant, user_id: made.user_id } }, body: { ...made, username: 'ERIN' } });
  t.is(taken.response.status, 409);
  t.is((await key.PUT('/users/{tenant_id}/{user_id}', { params: { path: { tenant_id: tenant, user_id: 'ghost' } }, body: made })).response.status, 404);
});

test('batchDeleteUser answers 201 null, deletes the listed users, ignores unknown ids and revokes their keys', async (t) => {
  const { tenant, key } = await makeTenant('del');
  const u1 = (await key.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenant } }, body: user(tenant, 'gone1') })).data!;
  const u2 = (await key.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenant } }, body: user(tenant, 'stays') })).data!;
  const userKey = await gw.createApiKey(tenant, ['users:read'], u1.user_id);
  t.is((await vaultWithKey(gw, userKey.value).GET('/me')).response.status, 200);
  const r = await key.POST('/users/{tenant_id}/batch-delete', { params: { path: { tenant_id: tenant } }, body: { users_ids: [u1.user_id, 'unknown-id'] } });
  t.is(r.response.status, 201);
  t.is(r.data, null);
  t.is((await key.GET('/users/{tenant_id}/{user_id}', { params: { path: { tenant_id: tenant, user_id: u1.user_id } } })).response.status, 404);
  t.is((await key.GET('/users/{tenant_id}/{user_id}', { params: { path: { tenant_id: tenant, user_id: u2.user_id } } })).response.status, 200);
  t.is((await vaultWithKey(gw, userKey.value).GET('/me')).response.status, 401, 'a deleted user\'s key stops working');
  const audit = await gw.services.store.auditLog.findOne({ tenantId: tenant, action: 'user.batch_delete' });
  t.deepEqual(audit?.details.deleted, [u1.user_id], 'the deletion is audited with what it deleted');
});

test('scopes: reads need users:read, writes users:write', async (t) => {
  const readOnly = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['users:read'])).value);
  const none = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['clients:read'])).value);
  const path = { tenant_id: tenantA };
  t.is((await readOnly.GET('/users/{tenant_id}', { params: { path } })).response.status, 200);
  t.is((await none.GET('/users/{tenant_id}', { params: { path } })).response.status, 403);
  t.is((await none.GET('/users/{tenant_id}/by-username/{username}', { params: { path: { ...path, username: 'x' } } })).response.status, 403);
  t.is((await none.GET('/users/{tenant_id}/{user_id}', { params: { path: { ...path, user_id: 'x' } } })).response.status, 403);
  t.is((await readOnly.POST('/users/{tenant_id}', { params: { path }, body: user(tenantA, 'nope') })).response.status, 403);
  t.is((await readOnly.POST('/users/{tenant_id}/batch', { params: { path }, body: { users: [user(tenantA, 'nope')] } })).response.status, 403);
  t.is((await readOnly.POST('/users/{tenant_id}/batch-delete', { params: { path }, body: { users_ids: [] } })).response.status, 403);
  t.is((await readOnly.PUT('/users/{tenant_id}/{user_id}', { params: { path: { ...path, user_id: 'x' } }, body: user(tenantA, 'nope') })).response.status, 403);
  t.is((await gw.clients.anonymous.vault.GET('/users/{tenant_id}', { params: { path } })).response.status, 401);
});

test('attack: a key of tenant B cannot read, list, update or delete tenant A\'s users', async (t) => {
  const victim = (await adminA.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenantA } }, body: user(tenantA, `victim${Date.now()}`) })).data!;
  const pathA = { tenant_id: tenantA };
  t.is((await adminB.GET('/users/{tenant_id}', { params: { path: pathA } })).response.status, 403);
  t.is((await adminB.GET('/users/{tenant_id}/{user_id}', { params: { path: { ...pathA, user_id: victim.user_id } } })).response.status, 403);
  t.is((await adminB.GET('/users/{tenant_id}/by-username/{username}', { params: { path: { ...pathA, username: victim.username } } })).response.status, 403);
  t.is((await adminB.PUT('/users/{tenant_id}/{user_id}', { params: { path: { ...pathA, user_id: victim.user_id } }, body: { ...victim, email: 'evil@example.org' } })).response.status, 403);
  t.is((await adminB.POST('/users/{tenant_id}/batch-delete', { params: { path: pathA }, body: { users_ids: [victim.user_id] } })).response.status, 403);
  t.is((await adminB.POST('/users/{tenant_id}', { params: { path: pathA }, body: user(tenantA, 'planted') })).response.status, 403);
  t.is((await adminB.POST('/users/{tenant_id}/batch', { params: { path: pathA }, body: { users: [user(tenantA, 'planted')] } })).response.status, 403);

  // Through B's own tenant path with A's user id: not found, not changed, not deleted.
  const pathB = { tenant_id: tenantB };
  t.is((await adminB.GET('/users/{tenant_id}/{user_id}', { params: { path: { ...pathB, user_id: victim.user_id } } })).response.status, 404);
  t.is((await adminB.PUT('/users/{tenant_id}/{user_id}', { params: { path: { ...pathB, user_id: victim.user_id } }, body: { ...victim, tenant_id: tenantB, email: 'evil@example.org' } })).response.status, 404);
  t.is((await adminB.POST('/users/{tenant_id}/batch-delete', { params: { path: pathB }, body: { users_ids: [victim.user_id] } })).response.status, 201);
  const still = await adminA.GET('/users/{tenant_id}/{user_id}', { params: { path: { ...pathA, user_id: victim.user_id } } });
  t.is(still.response.status, 200);
  t.is(still.data!.email, victim.email);
  const listB = await adminB.GET('/users/{tenant_id}', { params: { path: pathB, query: { limit: 500 } } });
  t.false(listB.data!.data.some((u) => u.user_id === victim.user_id));
});
