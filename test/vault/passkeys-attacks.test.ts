// Vault passkeys under attack, through the generated Vault client: counters that do not increase,
// another origin or RP ID, the wrong ceremony type, replayed and foreign challenges, tampered
// signature / authenticatorData / clientDataJSON, another tenant's credential, missing user
// verification, registration tricks, lockout, and proof that the crypto core decides the signature.
import test from 'ava';
import type { CryptoCore } from '../../core-wasm/js/index.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { DEFAULT_BLOCK_CONFIG } from '../../server/identity/vault/tenant-settings.ts';
import { credentialKeyOf } from '../../server/identity/webauthn/assertion-signature.ts';
import {
  authOptions,
  loginOptions,
  originOf,
  passkeyLogin,
  passkeyTenant,
  registerPasskey,
  registrationOptions,
  SoftwareAuthenticator,
  userWithToken,
  verifyAuth,
  type PasskeyUser,
} from './passkeys-helpers.ts';
import { vaultWithKey } from './admin-helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

async function enrolled(settings = {}): Promise<{ tenantId: string; user: PasskeyUser; authenticator: SoftwareAuthenticator; credentialId: string }> {
  const tenantId = await passkeyTenant(gw, settings);
  const user = await userWithToken(gw, tenantId);
  const authenticator = new SoftwareAuthenticator();
  const credentialId = await registerPasskey(gw, user, authenticator);
  return { tenantId, user, authenticator, credentialId };
}

async function failureReasons(tenantId: string): Promise<unknown[]> {
  const events = await gw.services.identity.audit.list(tenantId, { action: 'login.passkey' });
  return events.filter((e) => e.outcome === 'failure').map((e) => e.details.reason);
}

test('a signature counter that does not increase is refused as a possible clone, and audited', async (t) => {
  const { tenantId, user, authenticator, credentialId } = await enrolled();
  t.is((await passkeyLogin(gw, tenantId, user.username, authenticator, { signCount: 5 })).response.status, 200);
  const back = await passkeyLogin(gw, tenantId, user.username, authenticator, { signCount: 4 });
  t.is(back.response.status, 401);
  const same = await passkeyLogin(gw, tenantId, user.username, authenticator, { signCount: 5 });
  t.is(same.response.status, 401);
  const clones = await gw.services.identity.audit.list(tenantId, { action: 'passkey.clone_suspected' });
  t.is(clones.length, 2);
  t.is(clones[0]!.outcome, 'denied');
  t.deepEqual(await failureReasons(tenantId), ['sign_count', 'sign_count']);
  // The stored counter did not move; the genuine authenticator goes on from it.
  t.is((await gw.services.store.passkeyCredentials.findOne({ tenantId, credentialId }))?.signCount, 5);
  t.is((await passkeyLogin(gw, tenantId, user.username, authenticator, { signCount: 6 })).response.status, 200);
});

test('an authenticator without a counter (always 0) keeps working', async (t) => {
  const tenantId = await passkeyTenant(gw);
  const user = await userWithToken(gw, tenantId);
  const authenticator = new SoftwareAuthenticator({ counterStep: 0 });
  await registerPasskey(gw, user, authenticator);
  t.is((await passkeyLogin(gw, tenantId, user.username, authenticator)).response.status, 200);
  t.is((await passkeyLogin(gw, tenantId, user.username, authenticator)).response.status, 200);
});

test('another origin, another RP ID, the wrong client data type or no user presence are refused', async (t) => {
  const { tenantId, user, authenticator } = await enrolled();
  const cases = [
    { origin: 'https://evil.example' },
    { origin: originOf(gw), rpId: 'evil.example' },
    { origin: originOf(gw), type: 'webauthn.create' },
    { origin: originOf(gw), userPresent: false },
  ];
  for (const overrides of cases) {
    const res = await passkeyLogin(gw, tenantId, user.username, authenticator, overrides);
    t.is(res.response.status, 401, JSON.stringify(overrides));
    t.is(typeof (res.error as { detail: string }).detail, 'string');
  }
  t.deepEqual(await failureReasons(tenantId), ['ceremony', 'ceremony', 'ceremony', 'ceremony']);
  t.is((await passkeyLogin(gw, tenantId, user.username, authenticator)).response.status, 200);
});

test('user verification is required by default; a 2FA tenant that only prefers it asks for a second step', async (t) => {
  const { tenantId, user, authenticator } = await enrolled();
  const noUv = await passkeyLogin(gw, tenantId, user.username, authenticator, { userVerified: false });
  t.is(noUv.response.status, 401);

  const lenient = await enrolled({ is_2fa: true, webauthn: { user_verification: 'preferred' } } as never);
  const options = await loginOptions(gw, lenient.tenantId, lenient.user.username);
  t.is(options.userVerification, 'preferred');
  const weak = await passkeyLogin(gw, lenient.tenantId, lenient.user.username, lenient.authenticator, { userVerified: false });
  t.is(weak.response.status, 200);
  t.true(weak.data!.need_verify);
  const strong = await passkeyLogin(gw, lenient.tenantId, lenient.user.username, lenient.authenticator);
  t.false(strong.data!.need_verify);
});

test('a challenge answers once: a replayed assertion is refused, and so is an unknown challenge', async (t) => {
  const { tenantId, user, authenticator } = await enrolled();
  const options = await loginOptions(gw, tenantId, user.username);
  const assertion = authenticator.login(options, { origin: originOf(gw) });
  t.is((await verifyAuth(gw, assertion)).response.status, 200);
  t.is((await verifyAuth(gw, assertion)).response.status, 401);
  // The same challenge with a fresh counter and signature: still spent.
  const again = authenticator.login(options, { origin: originOf(gw) });
  t.is((await verifyAuth(gw, { ...again, tenant_id: tenantId } as never)).response.status, 401);
  const invented = authenticator.login({ ...options, challenge: Buffer.from('made up by the client!').toString('base64url') }, { origin: originOf(gw) });
  t.is((await verifyAuth(gw, { ...invented, tenant_id: tenantId } as never)).response.status, 401);
  t.deepEqual(await failureReasons(tenantId), ['stale_challenge', 'stale_challenge']);
});

test('a challenge made for another user is refused and stays usable by its user', async (t) => {
  const { tenantId, user: alice, authenticator: aliceKey } = await enrolled();
  const bob = await userWithToken(gw, tenantId);
  const bobKey = new SoftwareAuthenticator();
  await registerPasskey(gw, bob, bobKey);
  const aliceOptions = await loginOptions(gw, tenantId, alice.username);
  const bobAssertion = bobKey.login({ challenge: aliceOptions.challenge }, { origin: originOf(gw) });
  t.is((await verifyAuth(gw, { ...bobAssertion, tenant_id: tenantId } as never)).response.status, 401);
  // Claiming to be Alice with Bob's passkey does not help either.
  const claimed = bobKey.login({ challenge: (await loginOptions(gw, tenantId, alice.username)).challenge }, { origin: originOf(gw) });
  t.is((await verifyAuth(gw, { ...claimed, username: alice.username, tenant_id: tenantId } as never)).response.status, 401);
  const aliceAssertion = aliceKey.login(aliceOptions, { origin: originOf(gw) });
  t.is((await verifyAuth(gw, aliceAssertion)).response.status, 200);
});

test('a tampered signature, authenticatorData or clientDataJSON is refused', async (t) => {
  const { tenantId, user, authenticator } = await enrolled();
  const flip = (b64u: string, at: number) => {
    const bytes = Buffer.from(b64u, 'base64url');
    bytes[at % bytes.length]! ^= 0x01;
    return bytes.toString('base64url');
  };
  type Assertion = ReturnType<SoftwareAuthenticator['login']>['response'];
  const tamper: ((r: Assertion) => Assertion)[] = [
    (r) => ({ ...r, signature: flip(r.signature, 20) }),
    // The counter's last byte: still a valid structure, but not what was signed.
    (r) => ({ ...r, authenticatorData: flip(r.authenticatorData, 36) }),
    (r) => ({
      ...r,
      clientDataJSON: Buffer.from(Buffer.from(r.clientDataJSON, 'base64url').toString().replace('"crossOrigin":false', '"crossOrigin":false ')).toString('base64url'),
    }),
  ];
  for (const change of tamper) {
    const a = authenticator.login(await loginOptions(gw, tenantId, user.username), { origin: originOf(gw) });
    const res = await verifyAuth(gw, { ...a, response: change(a.response) });
    t.is(res.response.status, 401);
  }
  t.deepEqual(await failureReasons(tenantId), ['signature', 'signature', 'signature']);
});

test('the crypto core decides the assertion signature', async (t) => {
  const { tenantId, user, authenticator } = await enrolled();
  const real = gw.services.crypto.current;
  const stored = (await gw.services.store.passkeyCredentials.findOne({ tenantId }))!;
  const sec1 = credentialKeyOf(new Uint8Array(Buffer.from(stored.publicKey, 'base64url')));
  const ours = (key: Uint8Array) => sec1?.kind === 'p256' && Buffer.from(key).equals(sec1.sec1);
  const calls: string[] = [];
  // Other tests of this file run concurrently: only calls with this credential's key are touched.
  const spy = (verdict: boolean | null) => () => {
    const core = real.call(gw.services.crypto);
    return new Proxy(core, {
      get(target, key, receiver) {
        if (key === 'p256Verify') {
          return (...args: Parameters<CryptoCore['p256Verify']>) => {
            if (!ours(args[0])) return target.p256Verify(...args);
            calls.push(args[3]);
            return verdict ?? target.p256Verify(...args);
          };
        }
        return Reflect.get(target, key, receiver);
      },
    });
  };
  try {
    gw.services.crypto.current = spy(null);
    t.is((await passkeyLogin(gw, tenantId, user.username, authenticator)).response.status, 200);
    t.deepEqual(calls, ['der']);
    // A core that refuses refuses the login, though node:crypto would have accepted the signature.
    gw.services.crypto.current = spy(false);
    t.is((await passkeyLogin(gw, tenantId, user.username, authenticator)).response.status, 401);
  } finally {
    gw.services.crypto.current = real;
  }
  t.deepEqual(await failureReasons(tenantId), ['signature']);
});

test('a credential registered in tenant A does not log in to tenant B', async (t) => {
  const a = await enrolled();
  const tenantB = await passkeyTenant(gw);
  await userWithToken(gw, tenantB, a.user.username);
  const options = await loginOptions(gw, tenantB, a.user.username);
  t.deepEqual(options.allowCredentials ?? [], []);
  const assertion = a.authenticator.login(options, { origin: originOf(gw), credentialId: a.credentialId });
  const res = await verifyAuth(gw, { ...assertion, username: a.user.username, tenant_id: tenantB } as never);
  t.is(res.response.status, 401);
  t.deepEqual(await failureReasons(tenantB), ['unknown_credential']);
  // Nor does tenant A's challenge let tenant B's name through.
  const aOptions = await loginOptions(gw, a.tenantId, a.user.username);
  const crossed = a.authenticator.login(aOptions, { origin: originOf(gw) });
  t.is((await verifyAuth(gw, { ...crossed, tenant_id: tenantB } as never)).response.status, 401);
});

test('registration: another user\'s challenge, a replay, another origin, no UV and a duplicate credential are refused', async (t) => {
  const tenantId = await passkeyTenant(gw);
  const alice = await userWithToken(gw, tenantId);
  const bob = await userWithToken(gw, tenantId);
  const key = new SoftwareAuthenticator();
  const aliceOptions = await registrationOptions(alice);
  const forBob = key.register(aliceOptions, { origin: originOf(gw) });
  t.is((await bob.vault.POST('/passkeys/register/verify', { body: forBob as never })).response.status, 400);
  const wrongOrigin = key.register(await registrationOptions(alice), { origin: 'https://evil.example' });
  t.is((await alice.vault.POST('/passkeys/register/verify', { body: wrongOrigin as never })).response.status, 400);
  const noUv = key.register(await registrationOptions(alice), { origin: originOf(gw), userVerified: false });
  t.is((await alice.vault.POST('/passkeys/register/verify', { body: noUv as never })).response.status, 400);
  // Alice's own challenge is still good after Bob's attempt.
  const good = key.register(aliceOptions, { origin: originOf(gw) });
  t.is((await alice.vault.POST('/passkeys/register/verify', { body: good as never })).response.status, 200);
  t.is((await alice.vault.POST('/passkeys/register/verify', { body: good as never })).response.status, 400);
  t.is(await gw.services.store.passkeyCredentials.countDocuments({ tenantId }), 1);
  // JSON naming Alice's credential id over another attested credential.
  const other = key.register(await registrationOptions(bob), { origin: originOf(gw) });
  const relabelled = { ...other, id: good.id, rawId: good.rawId };
  t.is((await bob.vault.POST('/passkeys/register/verify', { body: relabelled as never })).response.status, 400);
  // An authenticator attesting Alice's credential id for Bob: the id is taken in this tenant.
  const hijack = new SoftwareAuthenticator().register(await registrationOptions(bob), { origin: originOf(gw), credentialId: good.id });
  t.is((await bob.vault.POST('/passkeys/register/verify', { body: hijack as never })).response.status, 409);
  const owner = await gw.services.store.passkeyCredentials.findOne({ tenantId, credentialId: good.id });
  t.is(owner?.userId, alice.id);
});

test('register options take only a bearer token; verify needs a user; passkeys must be enabled', async (t) => {
  const tenantId = await passkeyTenant(gw);
  const user = await userWithToken(gw, tenantId);
  const key = await gw.createApiKey(tenantId, ['*'], user.id);
  t.is((await vaultWithKey(gw, key.value).POST('/passkeys/register/options', {})).response.status, 401);
  const tenantKey = await gw.createApiKey(tenantId, ['*'], null);
  const body = new SoftwareAuthenticator().register(await registrationOptions(user), { origin: originOf(gw) });
  t.is((await vaultWithKey(gw, tenantKey.value).POST('/passkeys/register/verify', { body: body as never })).response.status, 404);
  t.is((await vaultWithKey(gw, key.value).POST('/passkeys/register/verify', { body: body as never })).response.status, 200);

  const off = await gw.createTenant();
  const offUser = await userWithToken(gw, off);
  t.is((await offUser.vault.POST('/passkeys/register/options', {})).response.status, 403);
  t.is((await authOptions(gw, off, offUser.username)).response.status, 403);
  // The query's and the body's tenant must agree.
  const mismatch = await gw.clients.anonymous.vault.POST('/passkeys/auth/options', { params: { query: { tenant_id: tenantId } }, body: { username: user.username, tenant_id: off } });
  t.is(mismatch.response.status, 422);
});

test('unknown usernames get options like users without passkeys, and can never log in', async (t) => {
  const { tenantId, authenticator, credentialId } = await enrolled();
  const unknown = await loginOptions(gw, tenantId, 'nobody-here');
  t.deepEqual(unknown.allowCredentials ?? [], []);
  const a = authenticator.login(unknown, { origin: originOf(gw), credentialId });
  t.is((await verifyAuth(gw, { ...a, username: 'nobody-here', tenant_id: tenantId } as never)).response.status, 401);
});

test('refused assertions count toward the tenant\'s lockout', async (t) => {
  const { tenantId, user, authenticator } = await enrolled({ block_config: { ...DEFAULT_BLOCK_CONFIG, ip_attempts_limit: 100, user_attempts_limit: 2 } });
  for (let i = 0; i < 2; i++) t.is((await passkeyLogin(gw, tenantId, user.username, authenticator, { origin: 'https://evil.example' })).response.status, 401);
  const blocked = await passkeyLogin(gw, tenantId, user.username, authenticator);
  t.is(blocked.response.status, 429);
  t.truthy(blocked.response.headers.get('retry-after'));
});

test('concurrent bad assertions are checked at most as often as the lockout allows', async (t) => {
  const { tenantId, user, authenticator } = await enrolled({ block_config: { ...DEFAULT_BLOCK_CONFIG, ip_attempts_limit: 100, user_attempts_limit: 3 } });
  const results = await Promise.all(
    Array.from({ length: 12 }, () => passkeyLogin(gw, tenantId, user.username, authenticator, { origin: 'https://evil.example' })),
  );
  const statuses = results.map((r) => r.response.status);
  t.true(statuses.every((s) => s === 401 || s === 429), statuses.join(','));
  t.true(statuses.filter((s) => s === 401).length <= 3, `checked ${statuses.filter((s) => s === 401).length} assertions against a limit of 3`);
});

test('an expired challenge is refused', async (t) => {
  const { tenantId, user, authenticator } = await enrolled();
  const options = await loginOptions(gw, tenantId, user.username);
  // Time passing: the record's expiry moves into the past (TTL deletion runs late; reads check it).
  await gw.services.store.webauthnChallenges.updateOne({ _id: options.challenge }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
  const res = await verifyAuth(gw, { ...authenticator.login(options, { origin: originOf(gw) }), tenant_id: tenantId } as never);
  t.is(res.response.status, 401);
  t.deepEqual(await failureReasons(tenantId), ['stale_challenge']);
});

test('racing assertions: one challenge sent twice at once, or two with the same counter, log in once', async (t) => {
  const { tenantId, user, authenticator } = await enrolled();
  const assertion = authenticator.login(await loginOptions(gw, tenantId, user.username), { origin: originOf(gw) });
  const same = await Promise.all([verifyAuth(gw, assertion), verifyAuth(gw, assertion)]);
  t.deepEqual(same.map((r) => r.response.status).sort(), [200, 401]);
  // Two challenges, both answered with counter 7 (a cloned authenticator racing the genuine one).
  const [o1, o2] = await Promise.all([loginOptions(gw, tenantId, user.username), loginOptions(gw, tenantId, user.username)]);
  const a1 = authenticator.login(o1, { origin: originOf(gw), signCount: 7 });
  const a2 = authenticator.login(o2, { origin: originOf(gw), signCount: 7 });
  const racing = await Promise.all([verifyAuth(gw, a1), verifyAuth(gw, a2)]);
  t.deepEqual(racing.map((r) => r.response.status).sort(), [200, 401]);
  const reasons = (await failureReasons(tenantId)) as string[];
  // The first race's loser is audited as a stale challenge when it reached the tenant's lockout
  // before the winner consumed the challenge; after that, the challenge names no tenant any more
  // (the body names none), so it is refused as unknown before any tenant's lockout or audit log.
  const [stale, counted] = [reasons.filter((r) => r === 'stale_challenge'), reasons.filter((r) => r !== 'stale_challenge')];
  t.true(stale.length <= 1, `at most one stale challenge: ${reasons.join(', ')}`);
  // The second race's loser read the counter after the winner stored it, or before (then its guarded update lost).
  t.is(counted.length, 1, `one counted failure of the second race: ${reasons.join(', ')}`);
  t.true(counted[0] === 'sign_count' || counted[0] === 'concurrent_use');
});

test('a disabled user\'s passkey reads as unknown', async (t) => {
  const { tenantId, user, authenticator } = await enrolled();
  await gw.services.identity.users.update(tenantId, user.id, { disabled: true });
  t.is((await passkeyLogin(gw, tenantId, user.username, authenticator)).response.status, 401);
  t.deepEqual(await failureReasons(tenantId), ['inactive_user']);
});
