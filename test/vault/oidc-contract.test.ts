// Contract: each of the ten OpenID provider operations called through the generated Vault client
// (response validation on in the harness), once succeeding and once failing.
import test from 'ava';
import { createVaultClient } from '../../clients/secrets-vault.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { codeFor, loginFor, POST_LOGOUT, REDIRECT, setupTenant } from './_oidc.ts';

let gw: TestGateway;
let s: Awaited<ReturnType<typeof setupTenant>>;
let publicId: string;
let confidential: { clientId: string; secret: string };
test.before(async () => {
  gw = await startTestGateway();
  s = await setupTenant(gw);
  publicId = (await s.client({ type: 'public' })).client.clientId;
  const c = await s.client({ type: 'confidential', grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] });
  confidential = { clientId: c.client.clientId, secret: c.secret! };
});
test.after.always(() => gw?.stop());

const vault = () => gw.clients.anonymous.vault;
const path = (tenant_id: string) => ({ path: { tenant_id } });

test('getOpenIdConfiguration and getJwks', async (t) => {
  const conf = await vault().GET('/oidc/{tenant_id}/.well-known/openid-configuration', { params: path(s.tenantId) });
  t.is(conf.data?.issuer, s.issuer);
  t.is(conf.data?.token_endpoint, `${s.issuer}/token/standard`);
  t.is(conf.data?.end_session_endpoint, `${gw.url}/api/oidc/logout`);
  const jwks = await vault().GET('/oidc/{tenant_id}/.well-known/jwks', { params: path(s.tenantId) });
  t.true(jwks.data!.keys.some((k) => k.kty === 'OKP' && k.crv === 'Ed25519' && k.alg === 'EdDSA'));
  t.is((await vault().GET('/oidc/{tenant_id}/.well-known/openid-configuration', { params: path('no-such-tenant') })).response.status, 404);
  t.is((await vault().GET('/oidc/{tenant_id}/.well-known/jwks', { params: path('no-such-tenant') })).response.status, 404);
});

test('authorize and authorizeComplete', async (t) => {
  const query = { response_type: 'code', client_id: publicId, redirect_uri: REDIRECT, scope: 'openid email', state: 'st', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
  const ok = await vault().GET('/oidc/{tenant_id}/authorize', { params: { path: { tenant_id: s.tenantId }, query }, redirect: 'manual' });
  t.is(ok.response.status, 302);
  const loginPage = new URL(ok.response.headers.get('location')!);
  const bad = await vault().GET('/oidc/{tenant_id}/authorize', { params: { path: { tenant_id: s.tenantId }, query: { ...query, client_id: 'unknown' } }, redirect: 'manual' });
  t.is(bad.response.status, 400);
  t.regex(String(bad.error?.detail), /client_id/);

  const login = await loginFor(gw, s.tenantId, s.user.id, loginPage);
  const wrong = await vault().GET('/oidc/{tenant_id}/authorize/complete', { params: { path: { tenant_id: s.tenantId }, query: { auth_req_id: login.authReqId, nonce: 'not-the-nonce' } }, redirect: 'manual' });
  t.is(wrong.response.status, 400);
  const done = await vault().GET('/oidc/{tenant_id}/authorize/complete', { params: { path: { tenant_id: s.tenantId }, query: { auth_req_id: login.authReqId, nonce: login.nonce } }, redirect: 'manual' });
  t.is(done.response.status, 302);
  const callback = new URL(done.response.headers.get('location')!);
  t.is(callback.origin + callback.pathname, REDIRECT);
  t.is(callback.searchParams.get('state'), 'st');
  t.truthy(callback.searchParams.get('code'));
});

test('the three token endpoints share one implementation: tokenExchange, tokenExchangeTenant, tokenExchangeStandard', async (t) => {
  const first = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: publicId });
  const viaForm = await vault().POST('/oidc/token', {
    body: { grant_type: 'authorization_code', tenant_id: s.tenantId, client_id: publicId, code: first.code, redirect_uri: REDIRECT, code_verifier: first.verifier! },
  });
  t.is(viaForm.response.status, 200);
  t.truthy(viaForm.data?.id_token);
  const replay = await vault().POST('/oidc/token', {
    body: { grant_type: 'authorization_code', tenant_id: s.tenantId, client_id: publicId, code: first.code, redirect_uri: REDIRECT, code_verifier: first.verifier! },
  });
  t.is(replay.response.status, 400);
  t.regex(String(replay.error?.detail), /already used/);

  const second = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: publicId });
  const viaPath = await vault().POST('/oidc/{tenant_id}/token', {
    params: path(s.tenantId),
    body: { grant_type: 'authorization_code', client_id: publicId, code: second.code, redirect_uri: REDIRECT, code_verifier: second.verifier! },
  });
  t.is(viaPath.response.status, 200);
  const refreshed = await vault().POST('/oidc/{tenant_id}/token', { params: path(s.tenantId), body: { grant_type: 'refresh_token', client_id: publicId, refresh_token: viaPath.data!.refresh_token! } });
  t.is(refreshed.response.status, 200);
  const missing = await vault().POST('/oidc/{tenant_id}/token', { params: path(s.tenantId), body: { grant_type: 'refresh_token', client_id: publicId } });
  t.is(missing.response.status, 400);
  t.regex(String(missing.error?.detail), /refresh_token/);

  const basic = createVaultClient({ baseUrl: gw.url, auth: { ClientSecretBasic: { username: confidential.clientId, password: confidential.secret } } });
  const cc = await basic.POST('/oidc/{tenant_id}/token/standard', { params: path(s.tenantId), body: { grant_type: 'client_credentials' } });
  t.is(cc.response.status, 200);
  t.is(cc.data?.token_type, 'Bearer');
  const wrong = createVaultClient({ baseUrl: gw.url, auth: { ClientSecretBasic: { username: confidential.clientId, password: 'wrong' } } });
  const refused = await wrong.POST('/oidc/{tenant_id}/token/standard', { params: path(s.tenantId), body: { grant_type: 'client_credentials' } });
  t.is(refused.response.status, 401);
  t.is((refused.error as { error?: string } | undefined)?.error, 'invalid_client');
});

test('getUserinfo', async (t) => {
  const { code, verifier } = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: publicId, scope: 'openid email profile' });
  const tokens = await vault().POST('/oidc/{tenant_id}/token', { params: path(s.tenantId), body: { grant_type: 'authorization_code', client_id: publicId, code, redirect_uri: REDIRECT, code_verifier: verifier! } });
  const bearer = createVaultClient({ baseUrl: gw.url, auth: { HTTPBearer: tokens.data!.access_token } });
  const info = await bearer.GET('/oidc/{tenant_id}/userinfo', { params: path(s.tenantId) });
  t.is(info.data?.sub, s.user.id);
  t.is(info.data?.email, `${s.user.username}@example.test`);
  t.is(info.data?.preferred_username, s.user.username);
  t.is((await vault().GET('/oidc/{tenant_id}/userinfo', { params: path(s.tenantId) })).response.status, 401);
});

test('oidcLogoutRedirect and oidcLogout', async (t) => {
  const tokensFor = async () => {
    const { code, verifier } = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: publicId });
    const res = await vault().POST('/oidc/{tenant_id}/token', { params: path(s.tenantId), body: { grant_type: 'authorization_code', client_id: publicId, code, redirect_uri: REDIRECT, code_verifier: verifier! } });
    return res.data!;
  };
  const first = await tokensFor();
  const plain = await vault().GET('/oidc/logout', { params: { query: { id_token_hint: first.id_token } }, redirect: 'manual' });
  t.is(plain.response.status, 200);
  t.is(plain.data, null);
  const refresh = await vault().POST('/oidc/{tenant_id}/token', { params: path(s.tenantId), body: { grant_type: 'refresh_token', client_id: publicId, refresh_token: first.refresh_token! } });
  t.is(refresh.response.status, 400, 'the session ended');
  const refused = await vault().GET('/oidc/logout', { params: { query: { id_token_hint: 'not.a.token', post_logout_redirect_uri: POST_LOGOUT } }, redirect: 'manual' });
  t.is(refused.response.status, 400);

  const second = await tokensFor();
  const form = await vault().POST('/oidc/logout', { body: { id_token_hint: second.id_token!, post_logout_redirect_uri: POST_LOGOUT, state: 'later' }, redirect: 'manual' });
  t.is(form.response.status, 302);
  t.is(form.response.headers.get('location'), `${POST_LOGOUT}?state=later`);
  const unregistered = await vault().POST('/oidc/logout', { body: { id_token_hint: second.id_token!, post_logout_redirect_uri: 'https://elsewhere.example/' }, redirect: 'manual' });
  t.is(unregistered.response.status, 400);
});
