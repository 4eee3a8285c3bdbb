// Interop with a real relying party, the passkey way: openid-client 6 does discovery, authorize
// with PKCE, state and nonce; the user logs in with a passkey of the software authenticator
// through the Vault API (auth options, verify auth with auth_req_id); then authorize/complete, the
// code exchange with ID token validation against the JWKS, userinfo, refresh rotation, reuse
// (the family is revoked), and RP-initiated logout. And a passkey as the
// second step of a zkimg-1 login that needs one (stepUpLogin).
import test from 'ava';
import * as client from 'openid-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { completeUrl, POST_LOGOUT, REDIRECT, setupTenant, visit } from './_oidc.ts';
import { authenticateBody, newUser, prepareLogin, register, setVaultSettings } from './auth-helpers.ts';
import { LENIENT_BLOCKS, loginOptions, originOf, registerPasskey, SoftwareAuthenticator, tokenFor, userWithToken, verifyAuth } from './passkeys-helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

async function relyingParty(issuer: string, clientId: string) {
  return client.discovery(new URL(issuer), clientId, { id_token_signed_response_alg: 'EdDSA' }, client.None(), { execute: [client.allowInsecureRequests] });
}

/** authorize with PKCE, state and nonce; answers the login page the gateway redirects to. */
async function startAuthorization(config: client.Configuration) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid email profile offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  // openid-client encodes spaces as '+', which the request validator reads literally (see oidc-interop.test.ts).
  const toLogin = await visit(url.href.replace(/\+/g, '%20'));
  if (toLogin.status !== 302 || toLogin.location === null) throw new Error(`authorize answered ${toLogin.status} ${toLogin.body}`);
  const authReqId = toLogin.location.searchParams.get('auth_req_id');
  if (authReqId === null) throw new Error(`no auth_req_id in ${toLogin.location}`);
  return { verifier, state, nonce, authReqId, loginPage: toLogin.location };
}

/** The login page's passkey button: options for the username, the authenticator, Verify Auth with auth_req_id. */
async function passkeyLoginFor(tenantId: string, username: string, authenticator: SoftwareAuthenticator, authReqId: string) {
  const assertion = authenticator.login(await loginOptions(gw, tenantId, username), { origin: originOf(gw) });
  const login = await verifyAuth(gw, assertion, authReqId);
  if (login.data === undefined) throw new Error(`verify auth: ${login.response.status} ${JSON.stringify(login.error)}`);
  return { assertion, ...login.data };
}

test('openid-client: code flow with PKCE and a passkey login, ID token, userinfo, refresh rotation and reuse, logout', async (t) => {
  const { tenantId, client: makeClient, issuer } = await setupTenant(gw);
  await setVaultSettings(gw, tenantId, { passkey_enabled: true, block_config: LENIENT_BLOCKS });
  const user = await userWithToken(gw, tenantId);
  const authenticator = new SoftwareAuthenticator();
  await registerPasskey(gw, user, authenticator, 'Laptop');
  const { client: rp } = await makeClient({ type: 'public' });
  const config = await relyingParty(issuer, rp.clientId);
  t.is(config.serverMetadata().issuer, issuer);

  const leg = await startAuthorization(config);
  t.is(leg.loginPage.pathname, `/api/oidc/${tenantId}/login`);
  const login = await passkeyLoginFor(tenantId, user.username, authenticator, leg.authReqId);
  t.false(login.need_verify);

  const back = await visit(completeUrl(issuer, leg.authReqId, login.nonce));
  t.is(back.status, 302, back.body);
  t.is(back.location!.searchParams.get('state'), leg.state);
  const tokens = await client.authorizationCodeGrant(config, back.location!, {
    pkceCodeVerifier: leg.verifier,
    expectedState: leg.state,
    expectedNonce: leg.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims()!;
  t.is(claims.sub, user.id);
  t.is(claims.iss, issuer);
  t.is(claims.nonce, leg.nonce);
  t.is(claims.preferred_username, user.username);
  const session = await gw.services.store.sessions.findOne({ _id: claims.sid as string, tenantId });
  t.is(session?.method, 'passkey');
  t.deepEqual(claims.amr, ['hwk', 'user', 'mfa'], 'a user-verified passkey: key possession and user verification');
  const audited = await gw.services.identity.audit.list(tenantId, { action: 'login.passkey' });
  t.like(audited.at(-1)?.details, { method: 'passkey', amr: ['hwk', 'user', 'mfa'], sessionId: claims.sid, userVerified: true });
  const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
  t.is(info.preferred_username, user.username);

  // The nonce was spent by the completion, the auth request is done (400), and the assertion's
  // challenge is spent (401): nothing here can be replayed.
  t.is((await visit(completeUrl(issuer, leg.authReqId, login.nonce))).status, 400);
  t.is((await verifyAuth(gw, login.assertion, leg.authReqId)).response.status, 400);
  t.is((await verifyAuth(gw, { ...login.assertion, tenant_id: tenantId } as never)).response.status, 401);

  // Refresh rotation, then reuse of the rotated token revokes the family.
  const second = await client.refreshTokenGrant(config, tokens.refresh_token!);
  t.not(second.refresh_token, tokens.refresh_token);
  t.is(second.claims()?.sub, user.id);
  const reuse = await t.throwsAsync(client.refreshTokenGrant(config, tokens.refresh_token!));
  t.is((reuse as client.ResponseBodyError).error, 'invalid_grant');
  const newest = await t.throwsAsync(client.refreshTokenGrant(config, second.refresh_token!));
  t.is((newest as client.ResponseBodyError).error, 'invalid_grant');

  // A new passkey login, then RP-initiated logout with the ID token as hint ends that session.
  const again = await startAuthorization(config);
  const relogin = await passkeyLoginFor(tenantId, user.username, authenticator, again.authReqId);
  const callback = await visit(completeUrl(issuer, again.authReqId, relogin.nonce));
  const fresh = await client.authorizationCodeGrant(config, callback.location!, { pkceCodeVerifier: again.verifier, expectedState: again.state, expectedNonce: again.nonce, idTokenExpected: true });
  const out = await visit(client.buildEndSessionUrl(config, { id_token_hint: fresh.id_token!, post_logout_redirect_uri: POST_LOGOUT, state: 'bye' }));
  t.is(out.status, 302);
  t.is(out.location?.searchParams.get('state'), 'bye');
  const afterLogout = await t.throwsAsync(client.refreshTokenGrant(config, fresh.refresh_token!));
  t.is((afterLogout as client.ResponseBodyError).error, 'invalid_grant');
  // The passkey's last use is the second login.
  const listed = (await user.vault.GET('/passkeys')).data!.passkeys;
  t.is(listed[0]!.name, 'Laptop');
  t.truthy(listed[0]!.last_use?.date);
});

test('a passkey is the second step of a zkimg-1 login that needs one; another user\'s passkey is not', async (t) => {
  const { tenantId, client: makeClient, issuer } = await setupTenant(gw);
  // A 2FA tenant: every zkimg-1 login answers need_verify.
  await setVaultSettings(gw, tenantId, { register_enable: true, is_2fa: true, passkey_enabled: true, block_config: LENIENT_BLOCKS });
  const { client: rp } = await makeClient({ type: 'public' });
  const config = await relyingParty(issuer, rp.clientId);
  const leg = await startAuthorization(config);

  // Alice registers and logs in with zkimg-1 for this auth request.
  const zk = { ...newUser({ tenantId }), authReqId: leg.authReqId };
  t.is((await register(gw, zk)).response.status, 201);
  const alice = (await gw.services.identity.users.getByUsername(tenantId, zk.username))!;
  const first = await authenticateBody(gw, zk, (await prepareLogin(gw, zk)).body);
  t.is(first.response.status, 200, JSON.stringify(first.error));
  t.true(first.data!.need_verify);
  t.is((await visit(completeUrl(issuer, leg.authReqId, first.data!.nonce))).status, 400);

  // Alice has a passkey (registered in an earlier session).
  const aliceKey = new SoftwareAuthenticator();
  await registerPasskey(gw, await tokenFor(gw, tenantId, { id: alice._id, username: alice.username }), aliceKey);
  // Bob's passkey for Alice's auth request is Bob's own login, never Alice's second step.
  const bob = await userWithToken(gw, tenantId);
  const bobKey = new SoftwareAuthenticator();
  await registerPasskey(gw, bob, bobKey);
  const bobLogin = await verifyAuth(gw, bobKey.login(await loginOptions(gw, tenantId, bob.username), { origin: originOf(gw) }), leg.authReqId);
  t.is(bobLogin.response.status, 200);
  t.is((await visit(completeUrl(issuer, leg.authReqId, first.data!.nonce))).status, 400);
  t.is((await gw.services.identity.audit.list(tenantId, { action: 'login.passkey.step_up' })).length, 0);

  // Alice's passkey steps her login up: a fresh nonce that completes the authorization as Alice.
  const step = await verifyAuth(gw, aliceKey.login(await loginOptions(gw, tenantId, alice.username), { origin: originOf(gw) }), leg.authReqId);
  t.is(step.response.status, 200, JSON.stringify(step.error));
  t.false(step.data!.need_verify);
  const back = await visit(completeUrl(issuer, leg.authReqId, step.data!.nonce));
  t.is(back.status, 302, back.body);
  const tokens = await client.authorizationCodeGrant(config, back.location!, { pkceCodeVerifier: leg.verifier, expectedState: leg.state, expectedNonce: leg.nonce, idTokenExpected: true });
  const claims = tokens.claims()!;
  t.is(claims.sub, alice._id);
  // The stepped-up session is the zkimg-1 login's.
  t.is((await gw.services.store.sessions.findOne({ _id: claims.sid as string }))?.method, 'zkimg');
  t.deepEqual([...(claims.amr as string[])].sort(), ['hwk', 'mfa', 'pin', 'swk', 'user'], 'both logins\' methods');
  t.is((await gw.services.identity.audit.list(tenantId, { action: 'login.passkey.step_up' })).length, 1);
});

test('a passkey without user verification (a tenant that only prefers it) is key possession only: amr ["hwk"]', async (t) => {
  const { tenantId, client: makeClient, issuer } = await setupTenant(gw);
  await setVaultSettings(gw, tenantId, { passkey_enabled: true, block_config: LENIENT_BLOCKS, webauthn: { user_verification: 'preferred' } } as never);
  const user = await userWithToken(gw, tenantId);
  const authenticator = new SoftwareAuthenticator();
  await registerPasskey(gw, user, authenticator);
  const { client: rp } = await makeClient({ type: 'public' });
  const config = await relyingParty(issuer, rp.clientId);
  const leg = await startAuthorization(config);
  const assertion = authenticator.login(await loginOptions(gw, tenantId, user.username), { origin: originOf(gw), userVerified: false });
  const login = await verifyAuth(gw, assertion, leg.authReqId);
  t.is(login.response.status, 200, JSON.stringify(login.error));
  const back = await visit(completeUrl(issuer, leg.authReqId, login.data!.nonce));
  t.is(back.status, 302, back.body);
  const tokens = await client.authorizationCodeGrant(config, back.location!, { pkceCodeVerifier: leg.verifier, expectedState: leg.state, expectedNonce: leg.nonce, idTokenExpected: true });
  t.deepEqual(tokens.claims()?.amr, ['hwk']);
});
