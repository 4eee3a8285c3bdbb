// Interop with a real relying party: openid-client 6 against the Vault's OpenID provider over HTTP.
// Discovery, the authorization URL with PKCE/state/nonce, login, authorize/complete, the code
// exchange with ID token validation against the JWKS, userinfo, refresh with rotation, refresh
// token reuse (the family is revoked), and RP-initiated logout.
import test from 'ava';
import * as client from 'openid-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { completeUrl, loginFor, POST_LOGOUT, REDIRECT, setupTenant, visit } from './_oidc.ts';
import { setVaultSettings } from './auth-helpers.ts';
import { zkimgUser, type VaultLogin } from '../helpers/vault-login.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

async function relyingParty(issuer: string, clientId: string, auth: client.ClientAuth, alg: 'EdDSA' | 'RS256') {
  return client.discovery(new URL(issuer), clientId, { id_token_signed_response_alg: alg }, auth, { execute: [client.allowInsecureRequests] });
}

/** How the user logs in on the login page: a real zkimg-1 login (test/helpers/vault-login.ts), or the continuation directly. */
const shortcutLogin = (tenantId: string, userId: string): VaultLogin => (page) => loginFor(gw, tenantId, userId, page);

/** The browser leg: authorize → login page → (login) → authorize/complete → redirect_uri?code. */
async function browserLeg(config: client.Configuration, issuer: string, logIn: VaultLogin) {
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
  // openid-client form-encodes spaces in `scope` as '+'; the request validator refuses '+' in a
  // query parameter unless the spec marks it `allowReserved` (reported as a spec gap), so the
  // browser leg here sends '%20', which means the same (RFC 3986 §2.1).
  const toLogin = await visit(url.href.replace(/\+/g, '%20'));
  if (toLogin.status !== 302 || toLogin.location === null) throw new Error(`authorize answered ${toLogin.status} ${toLogin.body}`);
  const login = await logIn(toLogin.location);
  const back = await visit(completeUrl(issuer, login.authReqId, login.nonce));
  if (back.status !== 302 || back.location === null) throw new Error(`complete answered ${back.status} ${back.body}`);
  return { callback: back.location, verifier, state, nonce, loginPage: toLogin.location };
}

test('openid-client: discovery, code flow with PKCE and a zkimg-1 login, userinfo, refresh rotation, reuse revokes the family, logout', async (t) => {
  const { tenantId, client: makeClient, issuer } = await setupTenant(gw);
  await setVaultSettings(gw, tenantId, { register_enable: true });
  const { client: rp } = await makeClient({ type: 'public' });
  const zk = zkimgUser(gw, tenantId);
  const config = await relyingParty(issuer, rp.clientId, client.None(), 'EdDSA');
  t.is(config.serverMetadata().issuer, issuer);
  t.deepEqual(config.serverMetadata().code_challenge_methods_supported, ['S256']);

  const leg = await browserLeg(config, issuer, zk.login);
  t.is(leg.loginPage.pathname, `/api/oidc/${tenantId}/login`);
  t.is(leg.callback.searchParams.get('state'), leg.state);
  t.is(leg.callback.searchParams.get('iss'), issuer);

  const tokens = await client.authorizationCodeGrant(config, leg.callback, {
    pkceCodeVerifier: leg.verifier,
    expectedState: leg.state,
    expectedNonce: leg.nonce,
    idTokenExpected: true,
  });
  const account = (await gw.services.identity.users.getByUsername(tenantId, zk.user.username))!;
  const user = { id: account._id, username: account.username };
  const claims = tokens.claims()!;
  t.is(claims.sub, user.id);
  t.is(claims.nonce, leg.nonce);
  t.is(claims.aud, rp.clientId);
  t.is(typeof claims.sid, 'string');
  t.is(claims.preferred_username, user.username);
  t.deepEqual(claims.amr, ['pin', 'swk', 'mfa'], 'RFC 8176: PIN, a proof of possession of the key the image unlocks, two factors');
  const audited = await gw.services.identity.audit.list(tenantId, { action: 'login.zkimg' });
  t.like(audited.at(-1)?.details, { method: 'zkimg', amr: ['pin', 'swk', 'mfa'], sessionId: claims.sid });
  t.truthy(tokens.refresh_token);

  const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
  t.is(info.email, zk.user.email);
  t.is(info.preferred_username, user.username);

  // Rotation: each refresh answers a new refresh token; the ID token keeps sub and auth_time.
  const second = await client.refreshTokenGrant(config, tokens.refresh_token!);
  t.not(second.refresh_token, tokens.refresh_token);
  t.is(second.claims()?.sub, user.id);
  t.is(second.claims()?.auth_time, claims.auth_time);
  t.deepEqual(second.claims()?.amr, claims.amr, 'a refresh keeps the login\'s methods');
  const third = await client.refreshTokenGrant(config, second.refresh_token!);

  // Reuse of a rotated token: refused, and the newest token of the family dies with it.
  const reuse = await t.throwsAsync(client.refreshTokenGrant(config, tokens.refresh_token!));
  t.is((reuse as client.ResponseBodyError).error, 'invalid_grant');
  const newest = await t.throwsAsync(client.refreshTokenGrant(config, third.refresh_token!));
  t.is((newest as client.ResponseBodyError).error, 'invalid_grant');
  // ... and the session ended, so its access tokens no longer reach userinfo.
  await t.throwsAsync(client.fetchUserInfo(config, third.access_token, user.id));
  const audit = await gw.services.identity.audit.list(tenantId, { action: 'oauth.refresh_reuse' });
  t.is(audit.length, 1);

  // A new login, then RP-initiated logout with the ID token as hint.
  const again = await browserLeg(config, issuer, zk.login);
  const fresh = await client.authorizationCodeGrant(config, again.callback, { pkceCodeVerifier: again.verifier, expectedState: again.state, expectedNonce: again.nonce, idTokenExpected: true });
  const logoutUrl = client.buildEndSessionUrl(config, { id_token_hint: fresh.id_token!, post_logout_redirect_uri: POST_LOGOUT, state: 'bye-state' });
  const out = await visit(logoutUrl);
  t.is(out.status, 302);
  t.is(out.location?.origin + out.location!.pathname, POST_LOGOUT);
  t.is(out.location?.searchParams.get('state'), 'bye-state');
  const afterLogout = await t.throwsAsync(client.refreshTokenGrant(config, fresh.refresh_token!));
  t.is((afterLogout as client.ResponseBodyError).error, 'invalid_grant');
});

test('openid-client: a confidential client with RS256 ID tokens, client_secret_basic and client_secret_post', async (t) => {
  const { tenantId, user, client: makeClient, issuer } = await setupTenant(gw);
  const { client: rp, secret } = await makeClient({ type: 'confidential', signingAlg: 'RS256' });
  for (const auth of [client.ClientSecretBasic(secret!), client.ClientSecretPost(secret!)]) {
    const config = await relyingParty(issuer, rp.clientId, auth, 'RS256');
    const leg = await browserLeg(config, issuer, shortcutLogin(tenantId, user.id));
    const tokens = await client.authorizationCodeGrant(config, leg.callback, { pkceCodeVerifier: leg.verifier, expectedState: leg.state, expectedNonce: leg.nonce, idTokenExpected: true });
    t.is(tokens.claims()?.sub, user.id);
    const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString());
    t.is(header.alg, 'RS256');
    // Access tokens stay EdDSA whatever the ID token algorithm (identity/oauth/access-tokens.ts).
    t.is(JSON.parse(Buffer.from(tokens.access_token.split('.')[0]!, 'base64url').toString()).alg, 'EdDSA');
  }
  const jwks = await (await fetch(`${issuer}/.well-known/jwks`)).json();
  t.deepEqual(jwks.keys.map((k: { alg: string }) => k.alg).sort(), ['EdDSA', 'RS256']);
});
