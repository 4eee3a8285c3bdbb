import test from 'ava';
import { ManualClock, startHarness, type Harness } from './_harness.ts';
import { apiKeyIdOf, hasScope, keyAllows } from '../../server/identity/api-keys.ts';
import { IdentityError } from '../../server/identity/errors.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h?.close());

test('a created key authenticates as its tenant, owner and scopes; only its hash is stored', async (t) => {
  const { apiKeys, users } = h.identity();
  // A key owned by a user authenticates only while that user exists (see the disabled-owner test).
  await users.create('t1', { id: 'user-1', username: 'user-1' });
  const { key, value } = await apiKeys.create({ tenantId: 't1', ownerId: 'user-1', name: 'ci', scopes: ['users:read'] });
  t.regex(value, /^gk_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/);
  t.is(apiKeyIdOf(value), key._id);
  const stored = await h.store.apiKeys.findOne({ _id: key._id });
  t.false(JSON.stringify(stored).includes(value.slice(28)));
  const { owner, ...principal } = (await apiKeys.authenticate(value))!;
  t.deepEqual(principal, { keyId: key._id, tenantId: 't1', ownerId: 'user-1', scopes: ['users:read'], name: 'ci' });
  t.deepEqual(owner, (await users.get('t1', 'user-1'))!, 'the owner, read with the key');
});

test('a wrong secret for a real key id, a made-up id, and garbage are refused', async (t) => {
  const { apiKeys } = h.identity();
  const { value } = await apiKeys.create({ tenantId: 't1', scopes: ['*'] });
  const wrongSecret = value.slice(0, -1) + (value.endsWith('A') ? 'B' : 'A');
  t.is(await apiKeys.authenticate(wrongSecret), null);
  t.is(await apiKeys.authenticate(`gk_${'0'.repeat(24)}_${value.slice(28)}`), null);
  t.is(await apiKeys.authenticate(''), null);
  t.is(await apiKeys.authenticate('gk_short'), null);
  t.is(await apiKeys.authenticate(value + 'x'), null);
});

test('a revoked key is refused; revoking needs the right tenant', async (t) => {
  const { apiKeys } = h.identity();
  const { key, value } = await apiKeys.create({ tenantId: 't1', scopes: ['*'] });
  t.false(await apiKeys.revoke('t2', key._id));
  t.truthy(await apiKeys.authenticate(value));
  t.true(await apiKeys.revoke('t1', key._id));
  t.is(await apiKeys.authenticate(value), null);
  t.false(await apiKeys.revoke('t1', key._id));
  t.is((await apiKeys.list('t1')).find((k) => k._id === key._id), undefined);
  t.truthy((await apiKeys.list('t1', { includeRevoked: true })).find((k) => k._id === key._id));
});

test('an expired key is refused once its expiry has passed', async (t) => {
  const clock = new ManualClock();
  const { apiKeys } = h.identity({ clock: clock.now });
  const { value } = await apiKeys.create({ tenantId: 't1', scopes: ['*'], expiresAt: new Date(clock.ms + 3_600_000) });
  clock.advance(3599);
  t.truthy(await apiKeys.authenticate(value));
  clock.advance(1);
  t.is(await apiKeys.authenticate(value), null);
});

test('a key acts only in its own tenant: other tenants cannot read, list or regenerate it, and keyAllows refuses', async (t) => {
  const { apiKeys, users } = h.identity();
  await users.create('tenant-a', { id: 'u', username: 'u' });
  const { key, value } = await apiKeys.create({ tenantId: 'tenant-a', ownerId: 'u', scopes: ['users:read'] });
  t.is(await apiKeys.get('tenant-b', key._id), null);
  t.deepEqual(await apiKeys.list('tenant-b'), []);
  t.is(await apiKeys.regenerate('tenant-b', key._id), null);
  const principal = (await apiKeys.authenticate(value))!;
  t.true(keyAllows(principal, { tenantId: 'tenant-a', scope: 'users:read' }));
  t.false(keyAllows(principal, { tenantId: 'tenant-b', scope: 'users:read' }));
  t.false(keyAllows(principal, { tenantId: 'tenant-a', scope: 'users:write' }));
});

test('scopes: exact match or the * wildcard', (t) => {
  t.true(hasScope(['*'], 'anything'));
  t.true(hasScope(['a', 'b'], 'b'));
  t.false(hasScope(['a'], 'a:write'));
  t.false(hasScope([], 'a'));
  t.false(hasScope(['users:*'], 'users:read'));
});

test('regenerate keeps the id and scopes; the old value stops working', async (t) => {
  const { apiKeys, users } = h.identity();
  await users.create('t1', { id: 'o', username: 'o' });
  const { key, value } = await apiKeys.create({ tenantId: 't1', ownerId: 'o', scopes: ['x'] });
  const regenerated = (await apiKeys.regenerate('t1', key._id))!;
  t.is(regenerated.key._id, key._id);
  t.not(regenerated.value, value);
  t.is(await apiKeys.authenticate(value), null);
  t.deepEqual((await apiKeys.authenticate(regenerated.value))?.scopes, ['x']);
});

test('an operator-chosen value authenticates under an id derived from it; short ones are refused', async (t) => {
  const { apiKeys } = h.identity();
  const chosen = 'operator-chosen-admin-key-0123456789';
  const { key } = await apiKeys.create({ tenantId: 't1', scopes: ['*'], value: chosen });
  t.is(key.source, 'imported');
  t.regex(key._id, /^imp_[0-9a-f]{24}$/);
  t.is((await apiKeys.authenticate(chosen))?.keyId, key._id);
  t.is(await apiKeys.authenticate(chosen.slice(0, -1) + 'X'), null);
  await t.throwsAsync(apiKeys.create({ tenantId: 't1', scopes: ['*'], value: 'too-short' }), { instanceOf: IdentityError });
  await t.throwsAsync(apiKeys.create({ tenantId: 't1', scopes: ['*'], value: chosen }), { instanceOf: IdentityError });
});

test('last use is recorded at most once a minute per key, across instances', async (t) => {
  const clock = new ManualClock();
  const first = h.identity({ clock: clock.now });
  const second = h.identity({ clock: clock.now });
  const { key, value } = await first.apiKeys.create({ tenantId: 't1', scopes: ['*'] });
  const startMs = clock.ms;
  await first.apiKeys.authenticate(value, { ip: '10.0.0.1', userAgent: 'a' });
  t.is((await h.store.apiKeys.findOne({ _id: key._id }))?.lastUsedAt?.getTime(), startMs);
  clock.advance(30);
  await first.apiKeys.authenticate(value, { ip: '10.0.0.2' });
  await second.apiKeys.authenticate(value, { ip: '10.0.0.3' });
  let stored = await h.store.apiKeys.findOne({ _id: key._id });
  t.is(stored?.lastUsedAt?.getTime(), startMs);
  t.is(stored?.lastUsedIp, '10.0.0.1');
  clock.advance(31);
  await second.apiKeys.authenticate(value, { ip: '10.0.0.4', userAgent: 'b' });
  stored = await h.store.apiKeys.findOne({ _id: key._id });
  t.is(stored?.lastUsedAt?.getTime(), startMs + 61_000);
  t.is(stored?.lastUsedIp, '10.0.0.4');
  t.is(stored?.lastUsedUserAgent, 'b');
});

test('keys are listed per tenant and per owner', async (t) => {
  const { apiKeys } = h.identity();
  await apiKeys.create({ tenantId: 'list-t', ownerId: 'alice', name: 'a1', scopes: ['*'] });
  await apiKeys.create({ tenantId: 'list-t', ownerId: 'alice', name: 'a2', scopes: ['*'] });
  await apiKeys.create({ tenantId: 'list-t', ownerId: 'bob', name: 'b1', scopes: ['*'] });
  await apiKeys.create({ tenantId: 'other-t', ownerId: 'alice', name: 'o1', scopes: ['*'] });
  t.deepEqual((await apiKeys.list('list-t')).map((k) => k.name).sort(), ['a1', 'a2', 'b1']);
  t.deepEqual((await apiKeys.list('list-t', { ownerId: 'alice' })).map((k) => k.name).sort(), ['a1', 'a2']);
});
