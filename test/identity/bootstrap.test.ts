import test from 'ava';
import { keyAllows } from '../../server/identity/api-keys.ts';
import { ACCOUNT_CLIENT_ID, DEMO_CLIENT_ID, DIRECTORY_CLIENT_ID, PASSKEYS_OIDC_CLIENT_ID } from '../../server/identity/bootstrap.ts';
import { startHarness, type Harness } from './_harness.ts';

// Each test bootstraps its own empty database, so every test gets its own harness.
const harnesses: Harness[] = [];
const fresh = async () => {
  const h = await startHarness();
  harnesses.push(h);
  return h;
};
test.after.always(async () => {
  for (const h of harnesses) await h.close();
});

test('two instances bootstrapping at once: exactly one does it, both report the same status, and the printed key works', async (t) => {
  const h = await fresh();
  const [a, b] = [h.identity(), h.identity()];
  const results = await Promise.all([a.bootstrap.run({}), b.bootstrap.run({})]);
  t.deepEqual(results.map((r) => r.performed).sort(), [false, true]);
  const winner = results.find((r) => r.performed)!;
  const loser = results.find((r) => !r.performed)!;
  t.true(winner.bootstrapped);
  t.true(loser.bootstrapped);
  t.is(loser.adminKey, undefined);
  t.is(loser.adminKeyId, winner.adminKeyId);
  t.is(winner.adminKeySource, 'generated');
  t.is(winner.defaultTenantId, 'default');

  const principal = await a.apiKeys.authenticate(winner.adminKey!);
  t.is(principal?.keyId, winner.adminKeyId!);
  t.true(keyAllows(principal!, { tenantId: 'default', scope: 'anything:at:all' }));

  t.is(await h.store.tenants.countDocuments({}), 1);
  t.is(await h.store.apiKeys.countDocuments({}), 1);
  t.is(await h.store.clients.countDocuments({}), 4);

  const again = await a.bootstrap.run({});
  t.false(again.performed);
  t.is(await h.store.apiKeys.countDocuments({}), 1);
  t.deepEqual(await b.bootstrap.status(), { bootstrapped: true, at: winner.at, defaultTenantId: 'default', adminKeyId: winner.adminKeyId, adminKeySource: 'generated', clients: winner.clients });
});

test('with GATEWAY_BOOTSTRAP_KEY the operator\'s value is the admin key, stored only as a hash', async (t) => {
  const h = await fresh();
  const identity = h.identity();
  const chosen = 'operator-picked-bootstrap-key-0f9e8d7c6b5a';
  const result = await identity.bootstrap.run({ bootstrapKey: chosen });
  t.true(result.performed);
  t.is(result.adminKeySource, 'env');
  t.is(result.adminKey, undefined);
  const principal = await identity.apiKeys.authenticate(chosen);
  t.is(principal?.keyId, result.adminKeyId!);
  t.deepEqual(principal?.scopes, ['*']);
  t.is(principal?.tenantId, 'default');
  const stored = await h.store.apiKeys.findOne({ _id: result.adminKeyId! });
  t.false(JSON.stringify(stored).includes(chosen));
  t.is(await identity.apiKeys.authenticate(chosen.slice(0, -1)), null);
});

test('the Directory and Passkeys APIs\' confidential clients and the public demo client are registered with redirect URIs from PUBLIC_URL', async (t) => {
  const h = await fresh();
  const identity = h.identity({ publicUrl: 'https://id.example.org/' });
  const result = await identity.bootstrap.run({});
  t.deepEqual(result.clients, [
    { clientId: DIRECTORY_CLIENT_ID, name: 'Directory session API', type: 'confidential', redirectUris: ['https://id.example.org/directory/api/directorysession/onauthenticated'] },
    { clientId: PASSKEYS_OIDC_CLIENT_ID, name: 'Passkeys API sign-in', type: 'confidential', redirectUris: ['https://id.example.org/fido2/v2/oidc/default/callback'] },
    { clientId: DEMO_CLIENT_ID, name: 'Demo client', type: 'public', redirectUris: ['https://id.example.org/demo/callback'] },
    { clientId: ACCOUNT_CLIENT_ID, name: 'Your account', type: 'public', redirectUris: ['https://id.example.org/account/callback'] },
  ]);
  t.deepEqual((await identity.clients.get('default', ACCOUNT_CLIENT_ID))?.allowedScopes, ['openid', 'profile', 'email', 'account']);
  const demo = await identity.clients.get('default', DEMO_CLIENT_ID);
  t.is(demo?.secretHash, null);
  t.is(demo?.signingAlg, 'EdDSA');
  const credentials = await identity.bootstrap.directoryClientCredentials();
  t.is(credentials?.clientId, DIRECTORY_CLIENT_ID);
  t.truthy(await identity.clients.authenticate('default', DIRECTORY_CLIENT_ID, credentials!.clientSecret));
  t.is(await identity.clients.authenticate('default', DIRECTORY_CLIENT_ID, credentials!.clientSecret + 'x'), null);
  t.is(await identity.clients.authenticate('default', DEMO_CLIENT_ID, ''), null);
  const passkeys = await identity.bootstrap.passkeysClientCredentials();
  t.is(passkeys?.clientId, PASSKEYS_OIDC_CLIENT_ID);
  t.truthy(await identity.clients.authenticate('default', PASSKEYS_OIDC_CLIENT_ID, passkeys!.clientSecret));
  t.not(passkeys!.clientSecret, credentials!.clientSecret, 'each relying party has its own secret');
});

test('status before any bootstrap says so', async (t) => {
  const h = await fresh();
  t.deepEqual(await h.identity().bootstrap.status(), {
    bootstrapped: false, at: null, defaultTenantId: 'default', adminKeyId: null, adminKeySource: null, clients: [],
  });
  t.is(await h.identity().bootstrap.directoryClientCredentials(), null);
  t.is(await h.identity().bootstrap.passkeysClientCredentials(), null);
});
