/**
 * Vault API keys through the API: create (secret once, owner, scope rules and aliases), list mine,
 * list the tenant's, regenerate (old value refused at once, new accepted; who may), revoked keys
 * refused, secrets and hashes never in any later answer, and another tenant's keys out of reach.
 */
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { assertNoSecret, uniqueId, vaultWithKey } from './admin-helpers.ts';

let gw: TestGateway;
let tenantA: string;
let tenantB: string;
let aliceA: { id: string; username: string };

test.before(async () => {
  gw = await startTestGateway();
  tenantA = await gw.createTenant(uniqueId('ka'));
  tenantB = await gw.createTenant(uniqueId('kb'));
  aliceA = await gw.createUser(tenantA, 'alice');
});
test.after.always(async () => {
  await gw?.stop();
});

test('a user creates a key for itself: the value is shown once, works, and is never shown again', async (t) => {
  const own = await gw.createApiKey(tenantA, ['users:read', 'clients:read', 'account'], aliceA.id);
  const alice = vaultWithKey(gw, own.value);
  const r = await alice.POST('/keys', { body: { name: 'ci', scopes: ['users:read'], tenant_id: tenantA } });
  t.is(r.response.status, 201);
  const created = r.data!;
  t.is(created.user_id, aliceA.id);
  t.is(created.tenant_id, tenantA);
  t.is(created.name, 'ci');
  t.deepEqual(created.scopes, ['users:read']);
  t.true(created.is_active);
  t.is(created.last_use_at, null);
  t.truthy(created.api_key);
  t.false('key_hash' in created, 'no hash, not even at creation');

  const fresh = vaultWithKey(gw, created.api_key);
  t.is((await fresh.GET('/users/{tenant_id}', { params: { path: { tenant_id: tenantA } } })).response.status, 200);
  t.is((await fresh.GET('/clients', { params: { query: { tenant_id: tenantA } } })).response.status, 403, 'only the granted scopes');

  const mine = await alice.GET('/keys');
  t.is(mine.response.status, 200);
  const listed = mine.data!.api_keys.find((k) => k.key_id === created.key_id);
  t.is(listed?.username, 'alice');
  t.is(listed?.user_id, aliceA.id);
  t.truthy(listed?.last_use_at?.at, 'the use above is recorded');
  const tenantKeys = await gw.clients.admin.vault.GET('/keys/tenant', { params: { query: { tenant_id: tenantA } } });
  const me = await fresh.GET('/me');
  assertNoSecret(t, [mine.data, tenantKeys.data, me.data], created.api_key);
});

test('scopes: never more than the creator holds; * only from *; the docs\' aliases expand', async (t) => {
  const creator = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['users:read', 'users:write', 'account'], aliceA.id)).value);
  const more = await creator.POST('/keys', { body: { name: 'x', scopes: ['clients:write'], tenant_id: tenantA } });
  t.is(more.response.status, 403);
  t.regex((more.error as { detail: string }).detail, /clients:write/);
  t.is((await creator.POST('/keys', { body: { name: 'x', scopes: ['*'], tenant_id: tenantA } })).response.status, 403);
  t.is((await creator.POST('/keys', { body: { name: 'x', scopes: ['CLIENT:READ'], tenant_id: tenantA } })).response.status, 403);
  const alias = await creator.POST('/keys', { body: { name: 'x', scopes: ['USER', 'USER:READ'], tenant_id: tenantA } });
  t.is(alias.response.status, 201);
  t.deepEqual(alias.data!.scopes, ['users:read', 'users:write']);
  t.is((await creator.POST('/keys', { body: { name: 'x', scopes: ['bad scope'], tenant_id: tenantA } })).response.status, 422);
  const all = await gw.clients.admin.vault.POST('/keys', { body: { name: 'root', scopes: ['users:write', 'clients:write', 'keys:read'], tenant_id: tenantA } });
  t.is(all.response.status, 201);
  t.is(all.data!.user_id, '', 'the bootstrap key has no user: a tenant-level key');
  // Platform scopes pass every tenant guard, so only the default tenant's keys may hold them.
  t.is((await gw.clients.admin.vault.POST('/keys', { body: { name: 'root', scopes: ['*'], tenant_id: tenantA } })).response.status, 403);
  t.is((await gw.clients.admin.vault.POST('/keys', { body: { name: 'root', scopes: ['tenants:admin'], tenant_id: tenantA } })).response.status, 403);
  const platform = await gw.clients.admin.vault.POST('/keys', { body: { name: 'ops', scopes: ['*'], tenant_id: 'default' } });
  t.is(platform.response.status, 201);
  await gw.services.identity.apiKeys.revoke('default', platform.data!.key_id);
  t.is((await creator.POST('/keys', { body: {} as never })).response.status, 422);
});

test('listUserKeys lists every key of the tenant with owners; it needs keys:read', async (t) => {
  const reader = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['keys:read'])).value);
  const owned = await gw.createApiKey(tenantA, ['users:read'], aliceA.id);
  const r = await reader.GET('/keys/tenant', { params: { query: { tenant_id: tenantA } } });
  t.is(r.response.status, 200);
  const entry = r.data!.api_keys.find((k) => k.key_id === owned.id);
  t.is(entry?.username, 'alice');
  t.true(r.data!.api_keys.every((k) => k.tenant_id === tenantA));
  assertNoSecret(t, [r.data], owned.value);
  const noScope = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['users:read'])).value);
  t.is((await noScope.GET('/keys/tenant', { params: { query: { tenant_id: tenantA } } })).response.status, 403);
  t.is((await reader.GET('/keys/tenant', { params: { query: {} as { tenant_id: string } } })).response.status, 422);
});

test('listMyKeys: a tenant-level key sees itself only', async (t) => {
  const tenantKey = await gw.createApiKey(tenantA, ['users:read', 'account']);
  await gw.createApiKey(tenantA, ['users:read']);
  const r = await vaultWithKey(gw, tenantKey.value).GET('/keys');
  t.is(r.response.status, 200);
  t.deepEqual(r.data!.api_keys.map((k) => k.key_id), [tenantKey.id]);
  t.is(r.data!.api_keys[0]?.user_id, '');
});

test('regenerate by the owner: the old value is refused at once, the new one works, same id and scopes', async (t) => {
  const owner = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['users:read', 'account'], aliceA.id)).value);
  const target = await gw.createApiKey(tenantA, ['users:read'], aliceA.id);
  const r = await owner.POST('/keys/{key_id}/regenerate', { params: { path: { key_id: target.id } } });
  t.is(r.response.status, 200);
  t.is(r.data!.key_id, target.id);
  t.deepEqual(r.data!.scopes, ['users:read']);
  t.not(r.data!.api_key, target.value);
  t.is((await vaultWithKey(gw, target.value).GET('/me')).response.status, 401);
  t.is((await vaultWithKey(gw, r.data!.api_key).GET('/me')).response.status, 200);
  const lists = [(await owner.GET('/keys')).data, (await gw.clients.admin.vault.GET('/keys/tenant', { params: { query: { tenant_id: tenantA } } })).data];
  assertNoSecret(t, lists, r.data!.api_key);
  assertNoSecret(t, lists, target.value);
});

test('regenerate: a key may rotate itself; another user may not; a key admin needs all of the key\'s scopes', async (t) => {
  const self = await gw.createApiKey(tenantA, ['users:read']);
  const rotated = await vaultWithKey(gw, self.value).POST('/keys/{key_id}/regenerate', { params: { path: { key_id: self.id } } });
  t.is(rotated.response.status, 200);

  const bob = await gw.createUser(tenantA, uniqueId('bob'));
  const alicesKey = await gw.createApiKey(tenantA, ['users:read'], aliceA.id);
  const bobsKey = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['users:read', 'account'], bob.id)).value);
  const denied = await bobsKey.POST('/keys/{key_id}/regenerate', { params: { path: { key_id: alicesKey.id } } });
  t.is(denied.response.status, 403);
  t.is((await vaultWithKey(gw, alicesKey.value).GET('/me')).response.status, 200, 'a refused regeneration changes nothing');

  const weakAdmin = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['keys:write'])).value);
  const powerful = await gw.createApiKey(tenantA, ['users:write', 'clients:write']);
  t.is((await weakAdmin.POST('/keys/{key_id}/regenerate', { params: { path: { key_id: powerful.id } } })).response.status, 403);
  const strongAdmin = vaultWithKey(gw, (await gw.createApiKey(tenantA, ['keys:write', 'users:write', 'clients:write'])).value);
  t.is((await strongAdmin.POST('/keys/{key_id}/regenerate', { params: { path: { key_id: powerful.id } } })).response.status, 200);
  t.is((await weakAdmin.POST('/keys/{key_id}/regenerate', { params: { path: { key_id: 'gk-unknown' } } })).response.status, 404);
});

test('a revoked key is refused, cannot be regenerated, and lists as inactive', async (t) => {
  const key = await gw.createApiKey(tenantA, ['users:read'], aliceA.id);
  const client = vaultWithKey(gw, key.value);
  t.is((await client.GET('/me')).response.status, 200);
  await gw.services.identity.apiKeys.revoke(tenantA, key.id);
  const refused = await client.GET('/me');
  t.is(refused.response.status, 401);
  t.is((refused.error as { detail: string }).detail, 'Invalid API key');
  t.is((await gw.clients.admin.vault.POST('/keys/{key_id}/regenerate', { params: { path: { key_id: key.id } } })).response.status, 404);
  const listed = (await gw.clients.admin.vault.GET('/keys/tenant', { params: { query: { tenant_id: tenantA } } })).data!.api_keys.find((k) => k.key_id === key.id);
  t.false(listed?.is_active);
});

test('attack: a key of tenant B cannot list, create in, or regenerate tenant A\'s keys, even by guessing ids', async (t) => {
  const victim = await gw.createApiKey(tenantA, ['users:read', 'users:write'], aliceA.id);
  const everyTenantScope = ['users:read', 'users:write', 'clients:read', 'clients:write', 'keys:read', 'keys:write', 'tenants:read', 'tenants:write', 'account'];
  const keyB = vaultWithKey(gw, (await gw.createApiKey(tenantB, everyTenantScope)).value);
  const list = await keyB.GET('/keys/tenant', { params: { query: { tenant_id: tenantA } } });
  t.is(list.response.status, 403);
  t.is((await keyB.POST('/keys', { body: { name: 'planted', scopes: ['users:read'], tenant_id: tenantA } })).response.status, 403);
  const regen = await keyB.POST('/keys/{key_id}/regenerate', { params: { path: { key_id: victim.id } } });
  t.is(regen.response.status, 404, 'another tenant\'s key id is not found from here');
  t.is((await vaultWithKey(gw, victim.value).GET('/me')).response.status, 200, 'the victim key still works');
  const own = await keyB.GET('/keys/tenant', { params: { query: { tenant_id: tenantB } } });
  t.false(own.data!.api_keys.some((k) => k.key_id === victim.id));
  const mine = await keyB.GET('/keys');
  t.false(JSON.stringify(mine.data).includes(victim.id));
});

test('the platform admin may create and regenerate keys in any tenant', async (t) => {
  const created = await gw.clients.admin.vault.POST('/keys', { body: { name: 'ops', scopes: ['users:read'], tenant_id: tenantB } });
  t.is(created.response.status, 201);
  t.is(created.data!.tenant_id, tenantB);
  const regen = await gw.clients.admin.vault.POST('/keys/{key_id}/regenerate', { params: { path: { key_id: created.data!.key_id } } });
  t.is(regen.response.status, 200);
  t.is((await vaultWithKey(gw, created.data!.api_key).GET('/users/{tenant_id}', { params: { path: { tenant_id: tenantB } } })).response.status, 401);
  t.is((await vaultWithKey(gw, regen.data!.api_key).GET('/users/{tenant_id}', { params: { path: { tenant_id: tenantB } } })).response.status, 200);
  t.is((await gw.clients.admin.vault.POST('/keys', { body: { name: 'x', scopes: [], tenant_id: uniqueId('ghost') } })).response.status, 404);
});
