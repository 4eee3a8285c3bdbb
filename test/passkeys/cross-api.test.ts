// One credential store for both APIs: a passkey registered through the Passkeys API signs in to
// the Vault's OpenID provider of the same tenant (openid-client, code flow with PKCE), and a user
// deactivated through the Passkeys API can no longer log in to the Vault.
import test from 'ava';
import * as client from 'openid-client';
import { createPasskeysClient } from '../../clients/passkeys.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { completeUrl, REDIRECT, setupTenant, visit } from '../vault/_oidc.ts';
import { setVaultSettings } from '../vault/auth-helpers.ts';
import { authOptions, LENIENT_BLOCKS, loginOptions, originOf, verifyAuth } from '../vault/passkeys-helpers.ts';
import { done, keyClient, registered, SoftwareAuthenticator, type App } from './_helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

async function vaultAuthorize(config: client.Configuration) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const toLogin = await visit(url.href.replace(/\+/g, '%20'));
  const authReqId = toLogin.location?.searchParams.get('auth_req_id');
  if (!authReqId) throw new Error(`authorize answered ${toLogin.status} ${toLogin.body}`);
  return { verifier, state, nonce, authReqId };
}

test('a passkey registered through the Passkeys API logs in to the Vault\'s OpenID provider; deactivated there, it cannot', async (t) => {
  const { tenantId, client: makeClient, issuer } = await setupTenant(gw);
  await setVaultSettings(gw, tenantId, { passkey_enabled: true, block_config: LENIENT_BLOCKS });
  const app: App = { id: tenantId, key: '', mgmt: keyClient(gw, (await gw.createApiKey(tenantId, ['*'])).value), anon: createPasskeysClient({ baseUrl: gw.url }) };
  const authenticator = new SoftwareAuthenticator();
  const reg = await registered(gw, app, authenticator);

  const { client: rp } = await makeClient({ type: 'public' });
  const config = await client.discovery(new URL(issuer), rp.clientId, { id_token_signed_response_alg: 'EdDSA' }, client.None(), { execute: [client.allowInsecureRequests] });
  const leg = await vaultAuthorize(config);
  const assertion = authenticator.login(await loginOptions(gw, tenantId, reg.username), { origin: originOf(gw) });
  const login = await verifyAuth(gw, assertion, leg.authReqId);
  if (login.data === undefined) throw new Error(`vault verify: ${login.response.status} ${JSON.stringify(login.error)}`);
  const back = await visit(completeUrl(issuer, leg.authReqId, login.data.nonce));
  const tokens = await client.authorizationCodeGrant(config, back.location!, { pkceCodeVerifier: leg.verifier, expectedState: leg.state, expectedNonce: leg.nonce, idTokenExpected: true });
  t.is(tokens.claims()?.sub, reg.userId);
  t.is(tokens.claims()?.preferred_username, reg.username);

  done(await app.mgmt.POST('/mgmt/user/{userId}/deactivate', { params: { path: { userId: reg.userId } } }), 'deactivate');
  const again = await vaultAuthorize(config);
  const options = await authOptions(gw, tenantId, reg.username);
  const refused = options.data
    ? await verifyAuth(gw, authenticator.login(options.data, { origin: originOf(gw) }), again.authReqId)
    : options;
  t.true(refused.response.status >= 400, `vault login of a deactivated user: ${refused.response.status}`);
  t.is(refused.data, undefined);
  // and the Vault's refresh token of the earlier login is revoked with the deactivation
  await t.throwsAsync(client.refreshTokenGrant(config, tokens.refresh_token ?? 'none'));
});
