import test from 'ava';
import { ensureIndexes, INDEXES } from '../../server/store/collections.ts';
import { startHarness, type Harness } from './_harness.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h?.close());

test('ensureIndexes creates every declared index and is idempotent', async (t) => {
  await ensureIndexes(h.store); // a second instance starting up
  for (const [name, declared] of Object.entries(INDEXES)) {
    if (declared.length === 0) continue;
    const existing = await h.store.db.collection(name).listIndexes().toArray();
    for (const index of declared) {
      const found = existing.find((e) => e.name === index.name);
      t.truthy(found, `${name}.${index.name}`);
      t.deepEqual(found?.key, index.key);
      if (index.unique) t.true(found?.unique, `${name}.${index.name} unique`);
      if (index.expireAfterSeconds !== undefined) t.is(found?.expireAfterSeconds, index.expireAfterSeconds);
    }
  }
});

test('the one-active-key index refuses a second active key per issuer and alg, but not a retired one', async (t) => {
  const base = { issuer: 'idx', alg: 'EdDSA' as const, publicJwk: {}, sealedPrivateJwk: 'v1.x', createdAt: new Date(), retiredAt: null, expiresAt: null };
  await h.store.signingKeys.insertOne({ ...base, _id: 'k1', status: 'active' });
  await t.throwsAsync(h.store.signingKeys.insertOne({ ...base, _id: 'k2', status: 'active' }), { message: /E11000|duplicate/ });
  await h.store.signingKeys.insertOne({ ...base, _id: 'k3', status: 'retired' });
  await h.store.signingKeys.insertOne({ ...base, _id: 'k4', alg: 'ES256', status: 'active' });
  t.is(await h.store.signingKeys.countDocuments({ issuer: 'idx' }), 3);
});
