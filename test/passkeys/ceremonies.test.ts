// Passkeys API ceremonies through the generated client (response validation on) with the software
// authenticator: registration (ES256/EdDSA/RS256, packed and none), authentication by username and
// usernameless, transaction confirmation; and each way a ceremony must fail.
import test from 'ava';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { randomUUID } from 'node:crypto';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { txHashOf } from '../../server/identity/loginid/tx-commitment.ts';
import {
  assertionResultOf,
  authInit,
  claimsOf,
  creationResultOf,
  done,
  keyClient,
  jwtClient,
  must,
  newApp,
  originOf,
  regInit,
  register,
  registered,
  signIn,
  SoftwareAuthenticator,
  type App,
} from './_helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

const aaguidOf = (a: SoftwareAuthenticator) => {
  const h = Buffer.from(a.aaguid).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

async function jwks() {
  const res = await gw.clients.anonymous.passkeys.GET('/.well-known/jwks.json');
  return createLocalJWKSet(must(res, 'jwks') as Parameters<typeof createLocalJWKSet>[0]);
}

for (const [alg, attestation] of [['ES256', 'packed'], ['EdDSA', 'none'], ['RS256', 'packed'], ['EdDSA', 'packed']] as const) {
  test(`register a new user (${alg}, ${attestation}) then sign in by username and without one; jwtAccess verifies at the JWKS`, async (t) => {
    const app = await newApp(gw);
    const authenticator = new SoftwareAuthenticator({ alg, attestation });
    const reg = await registered(gw, app, authenticator);
    t.truthy(reg.passkeyId);
    t.truthy(reg.deviceId);
    const { payload, protectedHeader } = await jwtVerify(reg.jwtAccess, await jwks(), { issuer: `${gw.config.publicUrl}/fido2/v2` });
    t.is(protectedHeader.alg, 'ES256');
    t.is(payload.sub, reg.userId);
    t.is(payload.username, reg.username);
    t.is(payload.tid, app.id);
    t.true(typeof payload.exp === 'number');

    const byName = must(await signIn(gw, app, authenticator, reg.username), 'auth by username');
    t.is(byName.userId, reg.userId);
    t.is(byName.passkeyId, reg.passkeyId);
    const usernameless = must(await signIn(gw, app, authenticator, ''), 'auth usernameless');
    t.is(usernameless.userId, reg.userId);
  });
}

test('reg/init offers standard creation options with the application RP and the session', async (t) => {
  const app = await newApp(gw);
  const init = must(await regInit(gw, app, 'opts@example.test', { body: { passkeyOptions: { conditionalCreate: false, securityKey: true } } }), 'reg/init');
  t.is(init.action, 'proceed');
  t.is(init.registrationRequestOptions.rp.id, new URL(gw.config.publicUrl).hostname);
  t.is(init.registrationRequestOptions.authenticatorSelection?.authenticatorAttachment, 'cross-platform');
  t.is(init.registrationRequestOptions.authenticatorSelection?.userVerification, 'required');
  t.true(init.session.length >= 16);
});

test('base64 (not url) byte fields are accepted in reg/complete and auth/complete', async (t) => {
  const app = await newApp(gw);
  const authenticator = new SoftwareAuthenticator();
  const init = must(await regInit(gw, app, 'b64@example.test'), 'reg/init');
  const cred = creationResultOf(authenticator.register(init.registrationRequestOptions, { origin: originOf(gw) }));
  const std = (s: string) => Buffer.from(s, 'base64url').toString('base64');
  const done = must(
    await app.anon.POST('/reg/complete', {
      body: { session: init.session, creationResult: { ...cred, clientDataJSON: std(cred.clientDataJSON), attestationObject: std(cred.attestationObject) } },
    }),
    'reg/complete',
  );
  const auth = must(await authInit(app, 'b64@example.test'), 'auth/init');
  const a = assertionResultOf(authenticator.login(auth.assertionOptions, { origin: originOf(gw) }));
  const ok = must(
    await app.anon.POST('/auth/complete', { body: { session: auth.session, assertionResult: { ...a, signature: std(a.signature), authenticatorData: std(a.authenticatorData) } } }),
    'auth/complete',
  );
  t.is(ok.userId, done.userId);
});

test('a second passkey for an existing user needs that user\'s reg:write token (Authorization with or without Bearer, or session)', async (t) => {
  const app = await newApp(gw);
  const first = await registered(gw, app);
  const second = new SoftwareAuthenticator();
  const r1 = await regInit(gw, app, first.username);
  t.is(r1.response.status, 403);
  t.is((r1.error as { msgCode: string }).msgCode, 'forbidden');

  const added = must(await register(gw, app, second, first.username, { jwt: first.jwtAccess, passkeyName: 'Second' }), 'reg with token');
  t.is(added.userId, first.userId);
  // the raw token, as LoginID's SDK sends it
  const raw = await fetch(`${gw.url}/fido2/v2/reg/init`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: first.jwtAccess },
    body: JSON.stringify({ app: { id: app.id }, deviceInfo: {}, user: { username: first.username, usernameType: 'email' } }),
  });
  t.is(raw.status, 200);
  // the grant in `session` (from mgmt/grant)
  const grant = must(await app.mgmt.POST('/mgmt/grant', { body: { grants: ['reg:write'], username: first.username } }), 'grant');
  const viaSession = await regInit(gw, app, first.username, { body: { session: grant.token } });
  t.is(viaSession.response.status, 200);
  // another user's token does not add passkeys to this one
  const other = await registered(gw, app);
  const cross = await regInit(gw, app, first.username, { jwt: other.jwtAccess });
  t.is(cross.response.status, 403);
  const list = must(await jwtClient(gw, first.jwtAccess).GET('/passkeys'), 'list');
  t.is(list.length, 2);
});

test('registration refusals: wrong origin, wrong RP ID, wrong challenge, no UV, replayed session', async (t) => {
  const app = await newApp(gw);
  const cases: [string, Parameters<typeof register>[4]][] = [
    ['origin', { overrides: { origin: 'https://evil.example' } }],
    ['rpId', { overrides: { rpId: 'evil.example' } }],
    ['challenge', { overrides: { challenge: Buffer.from(randomUUID()).toString('base64url') } }],
    ['uv', { overrides: { userVerified: false } }],
    ['type', { overrides: { type: 'webauthn.get' } }],
  ];
  for (const [what, options] of cases) {
    const res = await register(gw, app, new SoftwareAuthenticator(), `bad-${what}@example.test`, options);
    t.is(res.response.status, 400, what);
    t.is((res.error as { msgCode: string }).msgCode, 'bad_request', what);
    t.is((await gw.services.identity.users.getByUsername(app.id, `bad-${what}@example.test`)), null, `${what}: no user created`);
  }
  // replay: the same session and credential twice
  const authenticator = new SoftwareAuthenticator();
  const init = must(await regInit(gw, app, 'replay@example.test'), 'reg/init');
  const body = { session: init.session, creationResult: creationResultOf(authenticator.register(init.registrationRequestOptions, { origin: originOf(gw) })) };
  must(await app.anon.POST('/reg/complete', { body }), 'first');
  const again = await app.anon.POST('/reg/complete', { body });
  t.is(again.response.status, 400);
  // a forged session
  const forged = await app.anon.POST('/reg/complete', { body: { ...body, session: `${init.session.slice(0, -4)}AAAA` } });
  t.is(forged.response.status, 400);
});

test('authentication refusals: wrong origin, RP ID, challenge, no UV, replayed session, sign-count regression, another app', async (t) => {
  const app = await newApp(gw);
  const reg = await registered(gw, app);
  for (const [what, o] of [
    ['origin', { origin: 'https://evil.example' }],
    ['rpId', { rpId: 'evil.example' }],
    ['challenge', { challenge: Buffer.from(randomUUID()).toString('base64url') }],
    ['uv', { userVerified: false }],
  ] as const) {
    const res = await signIn(gw, app, reg.authenticator, reg.username, o);
    t.is(res.response.status, 400, what);
  }
  // replay of a whole accepted request
  const init = must(await authInit(app, reg.username), 'auth/init');
  const body = { session: init.session, assertionResult: assertionResultOf(reg.authenticator.login(init.assertionOptions, { origin: originOf(gw) })) };
  must(await app.anon.POST('/auth/complete', { body }), 'first use');
  t.is((await app.anon.POST('/auth/complete', { body })).response.status, 400);
  // a counter that goes back: a cloned authenticator
  const current = reg.authenticator.credentials.values().next().value!.signCount;
  const regress = await signIn(gw, app, reg.authenticator, reg.username, { signCount: current - 1 });
  t.is(regress.response.status, 400);
  t.regex((regress.error as { msg: string }).msg, /counter/);
  // the session of another application's ceremony does not take this app's passkey
  const other = await newApp(gw);
  const otherInit = must(await authInit(other, ''), 'other auth/init');
  const cross = await other.anon.POST('/auth/complete', {
    body: { session: otherInit.session, assertionResult: assertionResultOf(reg.authenticator.login(otherInit.assertionOptions, { origin: originOf(gw) })) },
  });
  t.is(cross.response.status, 400);
});

test('failed assertions count toward the application\'s lockout: the limit-th blocks the user (429, Retry-After, audited); another user still signs in', async (t) => {
  const app = await newApp(gw, { ip_attempts_limit: 10_000, user_attempts_limit: 3 });
  const reg = await registered(gw, app);
  const bystander = await registered(gw, app);
  for (let i = 0; i < 3; i++) {
    t.is((await signIn(gw, app, reg.authenticator, reg.username, { origin: 'https://evil.example' })).response.status, 400, `failure ${i + 1}`);
  }
  // The right passkey is refused now, before its signature is checked.
  const blocked = await signIn(gw, app, reg.authenticator, reg.username);
  t.is(blocked.response.status, 429);
  t.true(Number(blocked.response.headers.get('retry-after')) > 0);
  must(await signIn(gw, app, bystander.authenticator, bystander.username), 'another user of the application');
  const failures = await gw.services.store.auditLog.find({ tenantId: app.id, action: 'loginid.auth.passkey', outcome: 'failure' }).toArray();
  t.is(failures.length, 3);
  t.true(failures.every((f) => f.details.passkeyId === reg.passkeyId));
  t.is(await gw.services.store.auditLog.countDocuments({ tenantId: app.id, action: 'lockout.user_blocked' }), 1);
});

test('blacklisted AAGUID: refused for registration (reg) and for authentication (auth)', async (t) => {
  const app = await newApp(gw);
  const blocked = new SoftwareAuthenticator();
  done(await app.mgmt.POST('/mgmt/aaguid/blacklist', { body: { items: [{ aaguid: aaguidOf(blocked), reg: true, auth: false }] } }), 'block reg');
  const refused = await register(gw, app, blocked, 'blocked@example.test');
  t.is(refused.response.status, 403);
  t.is(await gw.services.identity.users.getByUsername(app.id, 'blocked@example.test'), null);

  const used = new SoftwareAuthenticator();
  const reg = await registered(gw, app, used);
  done(await app.mgmt.POST('/mgmt/aaguid/blacklist', { body: { items: [{ aaguid: aaguidOf(used), reg: false, auth: true }] } }), 'block auth');
  const list = must(await app.mgmt.GET('/mgmt/aaguid/blacklist'), 'list');
  t.deepEqual(list.map((i) => i.aaguid).sort(), [aaguidOf(blocked), aaguidOf(used)].sort());
  t.is((await signIn(gw, app, used, reg.username)).response.status, 403);
  done(await app.mgmt.DELETE('/mgmt/aaguid/blacklist', { body: { aaguids: [aaguidOf(used)] } }), 'unblock');
  t.is((await signIn(gw, app, used, reg.username)).response.status, 200);
});

test('a deactivated user cannot register, authenticate or use its token; activated again it can', async (t) => {
  const app = await newApp(gw);
  const reg = await registered(gw, app);
  done(await app.mgmt.POST('/mgmt/user/{userId}/deactivate', { params: { path: { userId: reg.userId } } }), 'deactivate');
  t.is((await signIn(gw, app, reg.authenticator, reg.username)).response.status, 403);
  t.is((await signIn(gw, app, reg.authenticator, '')).response.status, 403);
  t.is((await regInit(gw, app, reg.username, { jwt: reg.jwtAccess })).response.status, 403);
  t.is((await jwtClient(gw, reg.jwtAccess).GET('/passkeys')).response.status, 403);
  done(await app.mgmt.POST('/mgmt/user/{userId}/activate', { params: { path: { userId: reg.userId } } }), 'activate');
  t.is((await signIn(gw, app, reg.authenticator, reg.username)).response.status, 200);
});

/** The default application, which serves the calls that name none (tx/init). */
async function defaultApp(): Promise<App> {
  const { createPasskeysClient } = await import('../../clients/passkeys.ts');
  await gw.services.identity.tenants.update('default', {});
  return { id: 'default', key: gw.adminKey, mgmt: keyClient(gw, gw.adminKey), anon: createPasskeysClient({ baseUrl: gw.url }) };
}

test('transaction confirmation: the token carries the payload hash; a changed payload or a replay fails', async (t) => {
  const app = await defaultApp();
  const reg = await registered(gw, app);
  const tx = { username: reg.username as string, txType: 'raw', txPayload: 'Pay 10 EUR to Bob', nonce: randomUUID() };
  const init = must(await app.anon.POST('/tx/init', { body: tx }), 'tx/init');
  t.truthy(init.txId);
  const a = reg.authenticator.login(init.assertionOptions, { origin: originOf(gw) });
  const body = { session: init.session, keyHandle: a.id, clientData: a.response.clientDataJSON, authenticatorData: a.response.authenticatorData, signature: a.response.signature };
  const done = must(await app.anon.POST('/tx/complete', { body }), 'tx/complete');
  t.is(done.jwtAccess, done.token);
  t.is(done.credentialId, reg.passkeyId as string);
  const { payload } = await jwtVerify(done.token, await jwks(), { issuer: `${gw.config.publicUrl}/fido2/v2` });
  t.is(payload.txHash, txHashOf(tx));
  t.not(payload.txHash, txHashOf({ ...tx, txPayload: 'Pay 10000 EUR to Mallory' }));
  t.is((await app.anon.POST('/tx/complete', { body })).response.status, 400, 'replay');

  // an authenticator that signs another challenge (a client that altered the payload) is refused
  const init2 = must(await app.anon.POST('/tx/init', { body: { ...tx, nonce: randomUUID() } }), 'tx/init 2');
  const tampered = reg.authenticator.login(init2.assertionOptions, { origin: originOf(gw), challenge: Buffer.from('altered payload').toString('base64url') });
  const refused = await app.anon.POST('/tx/complete', {
    body: { session: init2.session, keyHandle: tampered.id, clientData: tampered.response.clientDataJSON, authenticatorData: tampered.response.authenticatorData, signature: tampered.response.signature },
  });
  t.is(refused.response.status, 400);
  // a tx session cannot complete a login, nor a login session a transaction
  const init3 = must(await app.anon.POST('/tx/init', { body: { ...tx, nonce: randomUUID() } }), 'tx/init 3');
  const asLogin = await app.anon.POST('/auth/complete', {
    body: { session: init3.session, assertionResult: assertionResultOf(reg.authenticator.login(init3.assertionOptions, { origin: originOf(gw) })) },
  });
  t.is(asLogin.response.status, 400);
  t.is(claimsOf(done.jwtAccess).sub, reg.userId);
  t.is((await app.anon.POST('/tx/init', { body: { ...tx, username: 'nobody@example.test' } })).response.status, 404);
});

test('client-events/submit takes a ceremony session; the operator lists the events', async (t) => {
  const app = await newApp(gw);
  const init = must(await authInit(app, ''), 'auth/init');
  const client = (await import('../../clients/passkeys.ts')).createPasskeysClient({ baseUrl: gw.url, auth: { sessionAuth_header_Authorization: init.session } });
  const res = must(await client.POST('/client-events/submit', { body: { event: 'ERROR_DISCOVERABLE_CREDENTIALS_UNSUPPORTED', isError: true } }), 'submit');
  t.is(res.session, init.session);
  const none = await app.anon.POST('/client-events/submit', { body: { event: 'X', isError: false } });
  t.is(none.response.status, 401);
  const listed = must(await gw.clients.admin.gateway.GET('/passkeys/apps/{appId}/client-events', { params: { path: { appId: app.id } } }), 'list');
  t.is(listed.items[0]?.event, 'ERROR_DISCOVERABLE_CREDENTIALS_UNSUPPORTED');
  t.is(listed.items[0]?.isError, true);
  const version = must(await app.anon.GET('/version'), 'version');
  t.is(version.version, '2.0');
});
