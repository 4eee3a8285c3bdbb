import test from 'ava';
import { startHarness, type Harness } from './_harness.ts';
import { IdentityError } from '../../server/identity/errors.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h?.close());

test('tenants: create, get, list, per-API settings sections updated independently; ids are URL-safe and unique', async (t) => {
  const { tenants } = h.identity();
  await tenants.create({ id: 'acme', name: 'Acme', settings: { vault: { use_pin: true } } });
  await t.throwsAsync(tenants.create({ id: 'acme' }), { instanceOf: IdentityError, message: /already exists/ });
  await t.throwsAsync(tenants.create({ id: 'a/b' }), { instanceOf: IdentityError });
  const updated = await tenants.update('acme', { settings: { passkeys: { rpId: 'acme.test' } } });
  t.deepEqual(updated?.settings, { vault: { use_pin: true }, passkeys: { rpId: 'acme.test' } });
  t.is((await tenants.get('acme'))?.name, 'Acme');
  t.is(await tenants.update('nope', { name: 'x' }), null);
  t.true((await tenants.list()).items.some((tenant) => tenant._id === 'acme'));
});

test('tenants.exists: a tenant that exists, one that does not (asked twice: a no is never cached), and ids that cannot be tenant ids', async (t) => {
  const { tenants } = h.identity();
  t.false(await tenants.exists('late'));
  await tenants.create({ id: 'late' });
  t.true(await tenants.exists('late'));
  t.true(await tenants.exists('late'), 'from the cache');
  for (const id of ['../etc', '', 'a\u0000b', 'ü', 'x'.repeat(65)]) t.false(await tenants.exists(id), JSON.stringify(id));
});

test('usernames are unique per tenant, case-insensitively, and kept as given', async (t) => {
  const { users } = h.identity();
  const alice = await users.create('t-users', { username: 'Alice', email: 'Alice@Example.com' });
  t.is(alice.username, 'Alice');
  await t.throwsAsync(users.create('t-users', { username: 'alice' }), { instanceOf: IdentityError, message: /already exists/ });
  const other = await users.create('t-other', { username: 'alice' });
  t.not(other._id, alice._id);
  t.is((await users.getByUsername('t-users', 'ALICE'))?._id, alice._id);
  t.deepEqual((await users.findByEmail('t-users', 'alice@example.COM')).map((u) => u._id), [alice._id]);
  await t.throwsAsync(users.create('t-users', { username: '' }), { instanceOf: IdentityError });
  await t.throwsAsync(users.create('t-users', { username: 'x'.repeat(129) }), { instanceOf: IdentityError });
});

test('every user operation is confined to its tenant', async (t) => {
  const { users } = h.identity();
  const bob = await users.create('iso-a', { username: 'bob' });
  t.is(await users.get('iso-b', bob._id), null);
  t.is(await users.getByUsername('iso-b', 'bob'), null);
  t.is(await users.update('iso-b', bob._id, { displayName: 'Mallory' }), null);
  t.false(await users.delete('iso-b', bob._id));
  t.is((await users.list('iso-b')).total, 0);
  t.is((await users.get('iso-a', bob._id))?.displayName, 'bob');
});

test('updates bump the version, honour an expected version, edit profile fields, and refuse a taken username', async (t) => {
  const { users } = h.identity();
  const carol = await users.create('t-upd', { username: 'carol', profile: { locale: 'fr', roles: ['a'] } });
  await users.create('t-upd', { username: 'dave' });
  const v2 = await users.update('t-upd', carol._id, { email: 'c@example.com', profile: { locale: undefined, roles: ['b'] } });
  t.is(v2?.version, 2);
  t.deepEqual(v2?.profile, { roles: ['b'] });
  t.is(v2?.emailKey, 'c@example.com');
  t.is(await users.update('t-upd', carol._id, { displayName: 'stale' }, { expectedVersion: 1 }), null);
  t.is((await users.update('t-upd', carol._id, { displayName: 'Carol' }, { expectedVersion: 2 }))?.version, 3);
  await t.throwsAsync(users.update('t-upd', carol._id, { username: 'DAVE' }), { instanceOf: IdentityError, message: /already exists/ });
  t.true((await users.setDisabled('t-upd', carol._id, true))?.disabled);
});

test('list filters, sorts and pages inside the tenant', async (t) => {
  const { users } = h.identity();
  for (const name of ['u3', 'u1', 'u2']) await users.create('t-list', { username: name, disabled: name === 'u2' });
  const page = await users.list('t-list', { sort: { usernameKey: 1 }, skip: 1, limit: 1 });
  t.is(page.total, 3);
  t.deepEqual(page.items.map((u) => u.username), ['u2']);
  const enabled = await users.list('t-list', { filter: { disabled: false }, sort: { usernameKey: -1 } });
  t.deepEqual(enabled.items.map((u) => u.username), ['u3', 'u1']);
});
