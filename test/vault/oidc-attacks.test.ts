// Attacks on the Vault's OpenID provider over HTTP: code replay, PKCE mismatch and downgrade,
// redirect URI mismatch, unregistered post-logout URI, another tenant's client, expired code,
// wrong client secret (and its rate limit), client_credentials by a public client, tampered
// access tokens at userinfo, a login that was never stepped up.
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { codeFor, completeUrl, loginFor, POST_LOGOUT, postForm, REDIRECT, setupTenant, visit } from './_oidc.ts';
import { CLIENT_AUTH_FAILURE_LIMIT, CLIENT_AUTH_WINDOW_SECONDS } from '../../server/identity/oauth/client-auth.ts';
import { AUTHORIZATION_CODE_TTL_SECONDS, redeemAuthorizationCode } from '../../server/identity/oauth/authorization-codes.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

const b64json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString());
const enc = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function publicSetup() {
  const s = await setupTenant(gw);
  const { client } = await s.client({ type: 'public' });
  return { ...s, clientId: client.clientId, token: `${s.issuer}/token/standard` };
}

async function exchange(token: string, clientId: string, code: string, verifier: string | null, extra: Record<string, string> = {}) {
  return postForm(token, { grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: REDIRECT, ...(verifier ? { code_verifier: verifier } : {}), ...extra });
}

async function userinfo(issuer: string, accessToken: string) {
  return fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
}

test('a replayed code is refused and revokes the tokens issued from it', async (t) => {
  const s = await publicSetup();
  const { code, verifier } = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: s.clientId });
  const first = await exchange(s.token, s.clientId, code, verifier);
  t.is(first.status, 200);
  t.is(first.headers.get('cache-control'), 'no-store');
  t.is((await userinfo(s.issuer, first.body.access_token)).status, 200);

  const replay = await exchange(s.token, s.clientId, code, verifier);
  t.is(replay.status, 400);
  t.is(replay.body.error, 'invalid_grant');
  const refresh = await postForm(s.token, { grant_type: 'refresh_token', client_id: s.clientId, refresh_token: first.body.refresh_token });
  t.is(refresh.body.error, 'invalid_grant');
  t.is((await userinfo(s.issuer, first.body.access_token)).status, 401);
  const audit = await gw.services.identity.audit.list(s.tenantId, { action: 'oauth.code_replay' });
  t.is(audit.length, 1);
});

test('PKCE: a wrong verifier is refused and spends the code; a verifier without a challenge is refused', async (t) => {
  const s = await publicSetup();
  const { code, verifier } = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: s.clientId });
  const wrong = await exchange(s.token, s.clientId, code, `${verifier!.slice(0, -1)}x`);
  t.is(wrong.body.error, 'invalid_grant');
  t.regex(wrong.body.error_description, /PKCE/);
  const missing = await exchange(s.token, s.clientId, code, null);
  t.is(missing.body.error, 'invalid_grant', 'the code was spent by the failed attempt');

  // Downgrade: a confidential client that sent no challenge cannot add a verifier later (RFC 9700 §2.1.1).
  const { client, secret } = await s.client({ type: 'confidential' });
  const noPkce = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: client.clientId, verifier: null });
  const downgraded = await exchange(s.token, client.clientId, noPkce.code, 'a'.repeat(43), { client_secret: secret! });
  t.is(downgraded.body.error, 'invalid_grant');
});

test('authorize: PKCE is required for public clients, plain is refused, errors go back with state and iss', async (t) => {
  const s = await publicSetup();
  const base = { response_type: 'code', client_id: s.clientId, redirect_uri: REDIRECT, scope: 'openid', state: 'xyz' };
  const noPkce = await visit(`${s.issuer}/authorize?${new URLSearchParams(base)}`);
  t.is(noPkce.status, 302);
  t.is(noPkce.location?.origin + noPkce.location!.pathname, REDIRECT);
  t.is(noPkce.location?.searchParams.get('error'), 'invalid_request');
  t.is(noPkce.location?.searchParams.get('state'), 'xyz');
  t.is(noPkce.location?.searchParams.get('iss'), s.issuer);
  const plain = await visit(`${s.issuer}/authorize?${new URLSearchParams({ ...base, code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })}`);
  t.is(plain.location?.searchParams.get('error'), 'invalid_request');
  const scope = await visit(`${s.issuer}/authorize?${new URLSearchParams({ ...base, scope: 'email', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' })}`);
  t.is(scope.location?.searchParams.get('error'), 'invalid_scope');
  const tooMuch = await visit(`${s.issuer}/authorize?${new URLSearchParams({ ...base, scope: 'openid admin', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' }).toString().replace(/\+/g, '%20')}`);
  t.is(tooMuch.location?.searchParams.get('error'), 'invalid_scope');
  const token = await visit(`${s.issuer}/authorize?${new URLSearchParams({ ...base, response_type: 'token' })}`);
  t.is(token.location?.searchParams.get('error'), 'unsupported_response_type');
  // No browser session is kept, so a silent authentication can never succeed (Core §3.1.2.6).
  const silent = await visit(`${s.issuer}/authorize?${new URLSearchParams({ ...base, prompt: 'none', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' })}`);
  t.is(silent.location?.searchParams.get('error'), 'login_required');
});

test('redirect URI mismatch: 400 at authorize and never a redirect; invalid_grant at the token endpoint', async (t) => {
  const s = await publicSetup();
  for (const redirect of ['http://127.0.0.1:9/cb/', 'http://127.0.0.1:9/cb?x=1', 'https://evil.example/cb', 'http://127.0.0.1:9/CB']) {
    const res = await visit(`${s.issuer}/authorize?${new URLSearchParams({ response_type: 'code', client_id: s.clientId, redirect_uri: redirect, scope: 'openid', state: 's' })}`);
    t.is(res.status, 400, redirect);
    t.is(res.location, null);
    t.regex(JSON.parse(res.body).detail, /redirect_uri/);
  }
  const { code, verifier } = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: s.clientId });
  const wrong = await exchange(s.token, s.clientId, code, verifier, { redirect_uri: 'http://127.0.0.1:9/other' });
  t.is(wrong.body.error, 'invalid_grant');
});

test('another tenant\'s client: unknown at authorize (400, no redirect), invalid_client at the token endpoint, its codes do not cross', async (t) => {
  const a = await publicSetup();
  const b = await publicSetup();
  const res = await visit(`${b.issuer}/authorize?${new URLSearchParams({ response_type: 'code', client_id: a.clientId, redirect_uri: REDIRECT, scope: 'openid', state: 's' })}`);
  t.is(res.status, 400);
  t.is(res.location, null);
  const { code, verifier } = await codeFor(gw, a.issuer, a.tenantId, a.user.id, { clientId: a.clientId });
  const crossed = await exchange(b.token, a.clientId, code, verifier);
  t.is(crossed.status, 401);
  t.is(crossed.body.error, 'invalid_client');
  const withOwnClient = await exchange(b.token, b.clientId, code, verifier);
  t.is(withOwnClient.body.error, 'invalid_grant');
  // A login of tenant A cannot complete an auth request of tenant B.
  const toLogin = await visit(`${b.issuer}/authorize?${new URLSearchParams({ response_type: 'code', client_id: b.clientId, redirect_uri: REDIRECT, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' })}`);
  await t.throwsAsync(loginFor(gw, a.tenantId, a.user.id, toLogin.location!), { message: /auth_req_id/ });
  // The code still works at its own tenant after those attempts.
  t.is((await exchange(a.token, a.clientId, code, verifier)).status, 200);
});

test('an expired code is refused', async (t) => {
  const s = await publicSetup();
  const { code, verifier } = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: s.clientId });
  // 61 s later, by the redemption's clock: expired, and not spent.
  const later = new Date(Date.now() + (AUTHORIZATION_CODE_TTL_SECONDS + 1) * 1000);
  t.deepEqual(await redeemAuthorizationCode(gw.services.store, s.tenantId, code, later), { outcome: 'expired' });
  // Over HTTP, time passing: the record's expiry moved into the past. The TTL monitor may remove
  // it at any moment, so the refusal names either an expired or an unknown code.
  await gw.services.store.authorizationCodes.updateMany({ tenantId: s.tenantId }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
  const res = await exchange(s.token, s.clientId, code, verifier);
  t.is(res.status, 400);
  t.is(res.body.error, 'invalid_grant');
  t.regex(res.body.error_description, /expired|invalid authorization code/);
});

test('wrong client secret: 401 invalid_client with a Basic challenge, audited, then rate limited', async (t) => {
  // The limiter counts in fixed windows aligned on the epoch: start well inside one, so the
  // failures below all land in the same window.
  const windowMs = CLIENT_AUTH_WINDOW_SECONDS * 1000;
  const msLeft = windowMs - (Date.now() % windowMs);
  if (msLeft < 20_000) await new Promise((resolve) => setTimeout(resolve, msLeft + 100));
  const s = await publicSetup();
  const { client, secret } = await s.client({ type: 'confidential', grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] });
  const basic = (id: string, pw: string) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(pw)}`).toString('base64')}` });
  const ok = await postForm(s.token, { grant_type: 'client_credentials' }, basic(client.clientId, secret!));
  t.is(ok.status, 200);
  const wrong = await postForm(s.token, { grant_type: 'client_credentials' }, basic(client.clientId, `${secret}x`));
  t.is(wrong.status, 401);
  t.is(wrong.body.error, 'invalid_client');
  t.regex(wrong.headers.get('www-authenticate') ?? '', /^Basic realm=/);
  // Both methods at once are refused (RFC 6749 §2.3).
  const both = await postForm(s.token, { grant_type: 'client_credentials', client_secret: secret! }, basic(client.clientId, secret!));
  t.is(both.body.error, 'invalid_request');
  // FastAPI-shaped endpoint: same refusal, {detail}.
  const post = await postForm(`${s.issuer}/token`, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: 'nope' });
  t.is(post.status, 401);
  t.is(typeof post.body.detail, 'string');
  const audit = await gw.services.identity.audit.list(s.tenantId, { action: 'oauth.client_auth' });
  t.is(audit.length, 2);

  for (let i = 2; i < CLIENT_AUTH_FAILURE_LIMIT; i++) await postForm(s.token, { grant_type: 'client_credentials' }, basic(client.clientId, 'guess'));
  const limited = await postForm(s.token, { grant_type: 'client_credentials' }, basic(client.clientId, secret!));
  t.is(limited.status, 429, 'past the limit even the right secret waits');
  t.truthy(limited.headers.get('retry-after'));
});

test('client_credentials: refused to a public client; a confidential client gets an access token only', async (t) => {
  const s = await publicSetup();
  const pub = await postForm(s.token, { grant_type: 'client_credentials', client_id: s.clientId });
  t.is(pub.body.error, 'unauthorized_client');
  const { client, secret } = await s.client({ type: 'confidential', allowedScopes: ['openid', 'users:read'] });
  const cc = await postForm(s.token, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: secret! });
  t.is(cc.status, 200);
  t.is(cc.body.id_token, undefined);
  t.is(cc.body.refresh_token, undefined);
  t.is(cc.body.scope, 'users:read');
  const claims = b64json(cc.body.access_token.split('.')[1]);
  t.is(claims.sub, client.clientId);
  t.is(claims.sid, undefined);
  const tooMuch = await postForm(s.token, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: secret!, scope: 'users:write' });
  t.is(tooMuch.body.error, 'invalid_scope');
  const unknown = await postForm(s.token, { grant_type: 'password', client_id: client.clientId, client_secret: secret! });
  t.is(unknown.body.error, 'unsupported_grant_type');
});

test('userinfo refuses tampered access tokens: alg none, HS256, unknown kid, another tenant\'s kid, a forged payload', async (t) => {
  const s = await publicSetup();
  const other = await publicSetup();
  const { code, verifier } = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: s.clientId });
  const { access_token } = (await exchange(s.token, s.clientId, code, verifier)).body;
  const o = await codeFor(gw, other.issuer, other.tenantId, other.user.id, { clientId: other.clientId });
  const otherToken = (await exchange(other.token, other.clientId, o.code, o.verifier)).body.access_token as string;
  const [h, p, sig] = access_token.split('.');
  const header = b64json(h);
  const payload = b64json(p);
  const tampered = {
    none: `${enc({ ...header, alg: 'none' })}.${p}.`,
    hs256: `${enc({ ...header, alg: 'HS256' })}.${p}.${sig}`,
    unknownKid: `${enc({ ...header, kid: 'no-such-key' })}.${p}.${sig}`,
    otherTenantKid: `${enc({ ...header, kid: b64json(otherToken.split('.')[0]).kid })}.${p}.${sig}`,
    forgedSub: `${h}.${enc({ ...payload, sub: other.user.id })}.${sig}`,
  };
  t.is((await userinfo(s.issuer, access_token)).status, 200);
  for (const [name, token] of Object.entries(tampered)) t.is((await userinfo(s.issuer, token)).status, 401, name);
  // A genuine token of another tenant at this tenant's userinfo.
  t.not((await userinfo(s.issuer, otherToken)).status, 200);
});

test('a login that needs verification completes only after the step-up', async (t) => {
  const s = await publicSetup();
  const toLogin = await visit(`${s.issuer}/authorize?${new URLSearchParams({ response_type: 'code', client_id: s.clientId, redirect_uri: REDIRECT, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' })}`);
  const login = await loginFor(gw, s.tenantId, s.user.id, toLogin.location!, true);
  const early = await visit(completeUrl(s.issuer, login.authReqId, login.nonce));
  t.is(early.status, 400);
  t.is(early.location, null);
  const { stepUpLogin } = await import('../../server/identity/vault/login-continuation.ts');
  await stepUpLogin(gw.services, { tenantId: s.tenantId, userId: s.user.id, authReqId: login.authReqId });
  const done = await visit(completeUrl(s.issuer, login.authReqId, login.nonce));
  t.is(done.status, 302);
  t.truthy(done.location?.searchParams.get('code'));
  const again = await visit(completeUrl(s.issuer, login.authReqId, login.nonce));
  t.is(again.status, 400, 'an auth request yields one code');
});

test('logout: an unregistered post_logout_redirect_uri is refused without redirect and the session survives', async (t) => {
  const s = await publicSetup();
  const { code, verifier } = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: s.clientId });
  const tokens = (await exchange(s.token, s.clientId, code, verifier)).body;
  const logout = (params: Record<string, string>) => visit(`${gw.url}/api/oidc/logout?${new URLSearchParams(params)}`);
  const evil = await logout({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://evil.example/', state: 's' });
  t.is(evil.status, 400);
  t.is(evil.location, null);
  const noHint = await logout({ post_logout_redirect_uri: POST_LOGOUT });
  t.is(noHint.status, 400);
  const forged = await logout({ id_token_hint: `${tokens.id_token.slice(0, -4)}AAAA`, post_logout_redirect_uri: POST_LOGOUT });
  t.is(forged.status, 400);
  const wrongClient = await logout({ id_token_hint: tokens.id_token, client_id: 'someone-else' });
  t.is(wrongClient.status, 400);
  const refresh = await postForm(s.token, { grant_type: 'refresh_token', client_id: s.clientId, refresh_token: tokens.refresh_token });
  t.is(refresh.status, 200, 'refused logouts end nothing');
});
