// Vault passkeys, the honest paths: registration and login with the software authenticator
// through the generated Vault client (response validation on), in both body forms and both
// binary encodings, ES256 and EdDSA, packed and none attestation, by username and discoverable;
// list and rename; the tenant's passkey and user-verification policies.
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import {
  authOptions,
  flatAssertion,
  loginOptions,
  originOf,
  passkeyLogin,
  passkeyTenant,
  registerPasskey,
  registrationOptions,
  SoftwareAuthenticator,
  toBase64,
  userWithToken,
  verifyAuth,
} from './passkeys-helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

test('register an ES256 passkey (packed self-attestation), then log in by username', async (t) => {
  const tenantId = await passkeyTenant(gw);
  const user = await userWithToken(gw, tenantId);
  const options = await registrationOptions(user);
  t.is(options.rp.id, new URL(gw.config.publicUrl).hostname);
  t.is(options.rp.name, `Tenant ${tenantId}`);
  t.is(options.user.name, user.username);
  t.deepEqual(options.pubKeyCredParams.map((p) => p.alg), [-8, -7, -257]);
  t.is(options.authenticatorSelection?.userVerification, 'required');
  t.deepEqual(options.excludeCredentials, []);

  const authenticator = new SoftwareAuthenticator();
  const credential = authenticator.register(options, { origin: originOf(gw) });
  const reg = await user.vault.POST('/passkeys/register/verify', { body: { ...credential, name: 'Laptop' } as never });
  t.is(reg.response.status, 200);
  t.is(reg.data, null);

  const login = await passkeyLogin(gw, tenantId, user.username, authenticator);
  t.is(login.response.status, 200, JSON.stringify(login.error));
  t.false(login.data!.need_verify);
  t.regex(login.data!.nonce, /^[A-Za-z0-9_-]{20,}$/);
  const stored = await gw.services.store.passkeyCredentials.findOne({ tenantId, credentialId: credential.id });
  t.is(stored?.signCount, 1);
  t.is(stored?.attestationFormat, 'packed');
  const session = await gw.services.store.sessions.find({ tenantId, userId: user.id, method: 'passkey' }).toArray();
  t.is(session.length, 1);
  const audit = await gw.services.identity.audit.list(tenantId, { action: 'login.passkey' });
  t.is(audit[0]?.outcome, 'success');

  // The second registration options exclude the passkey already registered.
  const again = await registrationOptions(user);
  t.deepEqual(again.excludeCredentials?.map((c) => c.id), [credential.id]);
});

test('EdDSA with none attestation; flat bodies in padded base64; discoverable login (empty username)', async (t) => {
  const tenantId = await passkeyTenant(gw);
  const user = await userWithToken(gw, tenantId);
  const authenticator = new SoftwareAuthenticator({ alg: 'EdDSA', attestation: 'none' });
  const options = await registrationOptions(user);
  const c = authenticator.register(options, { origin: originOf(gw) });
  const reg = await user.vault.POST('/passkeys/register/verify', {
    body: {
      id: c.id,
      raw_id: toBase64(c.rawId),
      client_data_json: toBase64(c.response.clientDataJSON),
      attestation_object: toBase64(c.response.attestationObject),
      transports: ['internal'],
      authenticator_attachment: 'platform',
      name: 'Phone',
    },
  });
  t.is(reg.response.status, 200, JSON.stringify(reg.error));
  const stored = await gw.services.store.passkeyCredentials.findOne({ tenantId, credentialId: c.id });
  t.is(stored?.alg, -8);
  t.is(stored?.attestationFormat, 'none');

  // Discoverable: no allowCredentials, the user handle names the account.
  const discoverable = await loginOptions(gw, tenantId, '');
  t.deepEqual(discoverable.allowCredentials ?? [], []);
  const a = authenticator.login(discoverable, { origin: originOf(gw) });
  const flat = flatAssertion(a, user.username, tenantId);
  const res = await verifyAuth(gw, {
    ...flat,
    client_data_json: toBase64(flat.client_data_json),
    authenticator_data: toBase64(flat.authenticator_data),
    signature: toBase64(flat.signature),
    user_handle: toBase64(flat.user_handle!),
  });
  t.is(res.response.status, 200, JSON.stringify(res.error));
  t.false(res.data!.need_verify);

  // The standard form without username or tenant: the tenant comes from the challenge.
  const next = authenticator.login(await loginOptions(gw, tenantId, ''), { origin: originOf(gw) });
  const bare = await verifyAuth(gw, next);
  t.is(bare.response.status, 200, JSON.stringify(bare.error));
});

test('an RS256 passkey (as Windows Hello makes) registers and logs in; its signature is checked by the library, not the core', async (t) => {
  const tenantId = await passkeyTenant(gw);
  const user = await userWithToken(gw, tenantId);
  const authenticator = new SoftwareAuthenticator({ alg: 'RS256' });
  const credentialId = await registerPasskey(gw, user, authenticator);
  t.is((await gw.services.store.passkeyCredentials.findOne({ tenantId, credentialId }))?.alg, -257);
  t.is((await passkeyLogin(gw, tenantId, user.username, authenticator)).response.status, 200);
  const a = authenticator.login(await loginOptions(gw, tenantId, user.username), { origin: originOf(gw) });
  const sig = Buffer.from(a.response.signature, 'base64url');
  sig[10]! ^= 0x80;
  const forged = await verifyAuth(gw, { ...a, response: { ...a.response, signature: sig.toString('base64url') } });
  t.is(forged.response.status, 401);
});

test('binary values that are neither base64 nor base64url are refused with 422', async (t) => {
  const tenantId = await passkeyTenant(gw);
  const user = await userWithToken(gw, tenantId);
  const authenticator = new SoftwareAuthenticator();
  await registerPasskey(gw, user, authenticator);
  const a = authenticator.login(await loginOptions(gw, tenantId, user.username), { origin: originOf(gw) });
  const res = await verifyAuth(gw, { ...flatAssertion(a, user.username, tenantId), signature: 'not*base64!' });
  t.is(res.response.status, 422);
  t.deepEqual((res.error as { detail: { loc: unknown[] }[] }).detail[0]?.loc, ['body', 'signature']);
  // id and rawId must name the same bytes.
  const mismatch = await verifyAuth(gw, { ...a, rawId: Buffer.from('other').toString('base64url') });
  t.is(mismatch.response.status, 422);
});

test('list and rename my passkeys; another user\'s passkey is 404; no key material is listed', async (t) => {
  const tenantId = await passkeyTenant(gw);
  const alice = await userWithToken(gw, tenantId);
  const bob = await userWithToken(gw, tenantId);
  const authenticator = new SoftwareAuthenticator();
  const credentialId = await registerPasskey(gw, alice, authenticator, 'YubiKey');
  await registerPasskey(gw, alice, new SoftwareAuthenticator({ alg: 'EdDSA' }));
  await passkeyLogin(gw, tenantId, alice.username, authenticator);

  const list = await alice.vault.GET('/passkeys');
  t.is(list.response.status, 200);
  const passkeys = list.data!.passkeys;
  t.deepEqual(passkeys.map((p) => p.name), ['YubiKey', 'Passkey 2']);
  t.is(passkeys[0]!.last_use?.ip !== undefined, true);
  t.is(passkeys[1]!.last_use, null);
  const stored = (await gw.services.store.passkeyCredentials.findOne({ tenantId, credentialId }))!;
  const text = JSON.stringify(list.data);
  t.false(text.includes(stored.publicKey));
  t.false(text.includes(credentialId));

  const id = passkeys[0]!.id;
  const renamed = await alice.vault.PUT('/passkeys/{key_id}', { params: { path: { key_id: id } }, body: { name: 'Work key' } });
  t.is(renamed.response.status, 200);
  t.is((await alice.vault.GET('/passkeys')).data!.passkeys[0]!.name, 'Work key');

  // Bob can neither rename nor see Alice's passkeys.
  const foreign = await bob.vault.PUT('/passkeys/{key_id}', { params: { path: { key_id: id } }, body: { name: 'mine now' } });
  t.is(foreign.response.status, 404);
  t.deepEqual((await bob.vault.GET('/passkeys')).data!.passkeys, []);
  t.is((await alice.vault.GET('/passkeys')).data!.passkeys[0]!.name, 'Work key');

  const empty = await alice.vault.PUT('/passkeys/{key_id}', { params: { path: { key_id: id } }, body: { name: '   ' } });
  t.is(empty.response.status, 422);
  // Unauthenticated: 401.
  t.is((await gw.clients.anonymous.vault.GET('/passkeys')).response.status, 401);
});
