/**
 * Sign-in to a Passkeys application through an OpenID provider (`oidc/{providerId}/login` and
 * `/callback`) over HTTP: a full round trip through the gateway's own Vault tenant `default` (the
 * built-in provider, zkimg-1 login on the Vault), another application's provider (a minimal
 * provider: just-in-time user by issuer and subject, linked on the next sign-in), the refusals
 * (unregistered redirectUri, forged, replayed, another browser's and another provider's state, an
 * ID token of another issuer, a provider of another application, a deactivated user), and the
 * operator's registry through the generated client (secret sealed, never shown).
 */
import test from 'ava';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { Browser, type Visit } from '../helpers/http-browser.ts';
import { startFakeOp, type FakeOp } from '../helpers/fake-op.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { throughVault, zkimgUser } from '../helpers/vault-login.ts';
import { uniqueId } from '../vault/admin-helpers.ts';
import { setVaultSettings } from '../vault/auth-helpers.ts';
import { claimsOf, done, jwtClient, must, newApp, type App } from './_helpers.ts';

const APP_PAGE = 'http://127.0.0.1:9/app/signed-in';
const OP_SECRET = 'fake-op-client-secret';

let gw: TestGateway;
let op: FakeOp;
/** An application named by its own host (`localhost:<port>`), with the provider `acme` (the fake provider). */
let appA: App;
let hostA: string;

test.before(async () => {
  gw = await startTestGateway();
  op = await startFakeOp(OP_SECRET);
  await setVaultSettings(gw, 'default', { register_enable: true });
  must(await gw.clients.admin.gateway.PUT('/passkeys/apps/{appId}/oidc-providers/{providerId}', {
    params: { path: { appId: 'default', providerId: 'default' } },
    body: { redirectUris: [APP_PAGE] },
  }), 'built-in provider redirect URIs');
  appA = await newApp(gw);
  hostA = `localhost:${new URL(gw.url).port}`;
  must(await gw.clients.admin.gateway.PUT('/passkeys/apps/{appId}', { params: { path: { appId: appA.id } }, body: { hosts: [hostA] } }), 'claim host');
  must(await gw.clients.admin.gateway.PUT('/passkeys/apps/{appId}/oidc-providers/{providerId}', {
    params: { path: { appId: appA.id, providerId: 'acme' } },
    body: { issuer: op.issuer, clientId: 'passkeys-a', clientSecret: OP_SECRET, idTokenAlg: 'ES256', redirectUris: [APP_PAGE] },
  }), 'app A provider');
});
test.after.always(async () => {
  await gw?.stop();
  await op?.stop();
});

const loginUrl = (base: string, providerId: string, redirectUri = APP_PAGE) => `${base}/fido2/v2/oidc/${providerId}/login?${new URLSearchParams({ redirectUri })}`;
const baseA = () => `http://${hostA}`;

/** The `{msg, msgCode}` of a refused visit. */
function refusal(v: Visit): { msg: string; msgCode: string } {
  return JSON.parse(v.body);
}

function tokenFromFragment(location: URL): { access_token: string; token_type: string; expires_in: string } {
  const p = new URLSearchParams(location.hash.slice(1));
  return { access_token: p.get('access_token') ?? '', token_type: p.get('token_type') ?? '', expires_in: p.get('expires_in') ?? '' };
}

/** Plays the fake provider's authorize step: answers its redirect back to the gateway with a code for `sub`. */
function providerAnswers(start: Visit, sub: string, extra: { claims?: Record<string, unknown>; lieAboutIssuer?: string } = {}): URL {
  const authorize = start.location!;
  const code = uniqueId('code');
  op.codes.set(code, {
    clientId: authorize.searchParams.get('client_id')!,
    codeChallenge: authorize.searchParams.get('code_challenge')!,
    nonce: authorize.searchParams.get('nonce')!,
    sub,
    ...extra,
  });
  const back = new URL(authorize.searchParams.get('redirect_uri')!);
  back.search = new URLSearchParams({ code, state: authorize.searchParams.get('state')! }).toString();
  return back;
}

test.serial('round trip through the gateway\'s own Vault: state, nonce and PKCE out, the application\'s ES256 access token in the fragment back', async (t) => {
  const browser = new Browser();
  const zk = zkimgUser(gw, 'default');
  const start = await browser.visit(loginUrl(gw.url, 'default'));
  t.is(start.status, 302, start.body);
  const authorize = start.location!;
  t.is(`${authorize.origin}${authorize.pathname}`, `${gw.url}/api/oidc/default/authorize`);
  t.is(authorize.searchParams.get('redirect_uri'), `${gw.url}/fido2/v2/oidc/default/callback`);
  t.is(authorize.searchParams.get('client_id'), 'passkeys-oidc');
  t.is(authorize.searchParams.get('code_challenge_method'), 'S256');
  t.regex(authorize.searchParams.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/);
  t.true(authorize.searchParams.get('state')!.length >= 43 && authorize.searchParams.get('nonce')!.length >= 43);
  t.false(authorize.href.includes(encodeURIComponent(APP_PAGE)), 'the redirectUri stays on the gateway, not in the state');
  const cookie = start.setCookies.find((c) => c.startsWith('passkeys_oidc_login='))!;
  t.regex(cookie, /HttpOnly/i);
  t.regex(cookie, /SameSite=Lax/i);
  t.regex(cookie, /Path=\/fido2\/v2\/oidc/);

  const back = await throughVault(gw, browser, zk.login, authorize);
  t.is(`${back.origin}${back.pathname}`, `${gw.url}/fido2/v2/oidc/default/callback`);
  const binding = browser.jar.get('passkeys_oidc_login')!;
  const callback = await browser.visit(back);
  t.is(callback.status, 302, callback.body);
  t.is(callback.location!.href.split('#')[0], APP_PAGE);
  const token = tokenFromFragment(callback.location!);
  t.is(token.token_type, 'Bearer');
  t.is(token.expires_in, '3600');
  t.false(callback.location!.search.includes('access_token'), 'the token travels in the fragment only');

  // The Vault tenant `default` is application `default`: the Vault's subject is the user.
  const user = (await gw.services.identity.users.getByUsername('default', zk.user.username))!;
  const { payload, protectedHeader } = await jwtVerify(token.access_token, createRemoteJWKSet(new URL(`${gw.url}/fido2/v2/.well-known/jwks.json`)), {
    issuer: `${gw.url}/fido2/v2`,
    audience: `${gw.url}/fido2/v2`,
  });
  t.is(protectedHeader.alg, 'ES256');
  t.like(payload, { sub: user._id, tid: 'default', username: zk.user.username });
  const passkeys = await jwtClient(gw, token.access_token).GET('/passkeys', {});
  t.is(passkeys.response.status, 200, 'the token is a sign-in of the Passkeys API');

  // Replayed: the same callback, with the same browser binding, finds the state used.
  browser.jar.set('passkeys_oidc_login', binding);
  const replay = await browser.visit(back);
  t.is(replay.status, 400);
  t.like(refusal(replay), { msgCode: 'bad_request' });
  t.is(replay.location, null);
});

test('an unregistered redirectUri is refused before anything leaves for the provider, with no cookie', async (t) => {
  for (const redirectUri of ['https://evil.example/cb', `${APP_PAGE}/`, `${APP_PAGE}?x=1`, APP_PAGE.replace('127.0.0.1', 'localhost'), 'not a url']) {
    const v = await new Browser().visit(loginUrl(gw.url, 'default', redirectUri));
    t.is(v.status, 400, redirectUri);
    t.like(refusal(v), { msgCode: 'bad_request' }, redirectUri);
    t.is(v.location, null);
    t.false(v.setCookies.some((c) => c.startsWith('passkeys_oidc_login=')), redirectUri);
  }
  // registered for another provider is not registered here
  const other = await new Browser().visit(loginUrl(gw.url, 'nope'));
  t.is(other.status, 404);
  t.like(refusal(other), { msgCode: 'not_found' });
});

test('a forged state, or a real one in another browser, is refused and burns nothing: the real sign-in still completes', async (t) => {
  const browser = new Browser();
  const start = await browser.visit(loginUrl(baseA(), 'acme'));
  t.is(start.status, 302, start.body);
  const back = providerAnswers(start, uniqueId('sub'));

  const forged = new URL(back);
  forged.searchParams.set('state', 'x'.repeat(43));
  const f = await browser.visit(forged);
  t.is(f.status, 400);
  t.like(refusal(f), { msgCode: 'bad_request' });
  t.truthy(browser.jar.get('passkeys_oidc_login'), 'the browser keeps its binding for its own callback');

  const binding = browser.jar.get('passkeys_oidc_login')!;
  const stranger = new Browser();
  const noCookie = await stranger.visit(back);
  t.is(noCookie.status, 400, 'a callback without the browser binding');
  const own = await stranger.visit(loginUrl(baseA(), 'acme'));
  t.is(own.status, 302);
  const foreign = await stranger.visit(back);
  t.is(foreign.status, 400, 'a callback with another sign-in\'s binding');

  t.deepEqual(browser.jar.get('passkeys_oidc_login'), binding);
  const ok = await browser.visit(back);
  t.is(ok.status, 302, ok.body);
  t.truthy(tokenFromFragment(ok.location!).access_token);
});

test('an ID token of another issuer is refused (502 in the error shape), and so is the state afterwards', async (t) => {
  const browser = new Browser();
  const start = await browser.visit(loginUrl(baseA(), 'acme'));
  const binding = browser.jar.get('passkeys_oidc_login')!;
  const back = providerAnswers(start, uniqueId('sub'), { lieAboutIssuer: `${gw.url}/api/oidc/default` });
  const lied = await browser.visit(back);
  t.is(lied.status, 502, lied.body);
  t.like(refusal(lied), { msgCode: 'provider_error' });
  t.is(lied.location, null);
  browser.jar.set('passkeys_oidc_login', binding);
  t.is((await browser.visit(back)).status, 400, 'the state was used');
});

test('another application\'s provider: unknown here at login, and its state does not finish at another provider\'s callback', async (t) => {
  // app A's provider asked through the default application's host, and the built-in one through app A's
  const viaDefault = await new Browser().visit(loginUrl(gw.url, 'acme'));
  t.is(viaDefault.status, 404);
  t.like(refusal(viaDefault), { msgCode: 'not_found' });
  const viaA = await new Browser().visit(loginUrl(baseA(), 'default'));
  t.is(viaA.status, 404);
  // app A's state presented at the default provider's callback
  const browser = new Browser();
  const start = await browser.visit(loginUrl(baseA(), 'acme'));
  const back = providerAnswers(start, uniqueId('sub'));
  const elsewhere = new URL(back);
  elsewhere.pathname = '/fido2/v2/oidc/default/callback';
  const crossed = await browser.visit(elsewhere);
  t.is(crossed.status, 400);
  t.like(refusal(crossed), { msgCode: 'bad_request' });
  // an application of the same provider id elsewhere is another record: B's `acme` is not A's
  const appB = await newApp(gw);
  must(await gw.clients.admin.gateway.PUT('/passkeys/apps/{appId}/oidc-providers/{providerId}', {
    params: { path: { appId: appB.id, providerId: 'acme' } },
    body: { issuer: 'https://login.example.com', clientId: 'b', clientSecret: 'b-secret', redirectUris: ['https://b.example/cb'] },
  }), 'B acme');
  const listA = must(await gw.clients.admin.gateway.GET('/passkeys/apps/{appId}/oidc-providers', { params: { path: { appId: appA.id } } }), 'list A');
  t.deepEqual(listA.items.map((p) => [p.providerId, p.issuer, p.clientId]), [['acme', op.issuer, 'passkeys-a']]);
});

test('another provider\'s user: created at the first sign-in by issuer and subject, the same user the next time; deactivated, refused', async (t) => {
  const sub = uniqueId('sub');
  const signIn = async (claims: Record<string, unknown> = {}) => {
    const browser = new Browser();
    const start = await browser.visit(loginUrl(baseA(), 'acme'));
    t.is(start.location!.searchParams.get('redirect_uri'), `${baseA()}/fido2/v2/oidc/acme/callback`, 'the provider returns to the application\'s own host');
    return browser.visit(providerAnswers(start, sub, { claims }));
  };
  const first = await signIn({ preferred_username: `ext-${sub}`, email: `${sub}@example.test`, name: 'Ext User' });
  t.is(first.status, 302, first.body);
  const claims = claimsOf(tokenFromFragment(first.location!).access_token);
  t.is(claims.tid, appA.id);
  const user = (await gw.services.identity.users.get(appA.id, String(claims.sub)))!;
  t.is(user.externalId, `${op.issuer}#${sub}`);
  t.is(user.username, `ext-${sub}`);
  const second = await signIn();
  t.is(claimsOf(tokenFromFragment(second.location!).access_token).sub, user._id, 'linked by issuer and subject');
  t.is(await gw.services.store.users.countDocuments({ tenantId: appA.id, externalId: `${op.issuer}#${sub}` }), 1);

  done(await appA.mgmt.POST('/mgmt/user/{userId}/deactivate', { params: { path: { userId: user._id } } }), 'deactivate');
  const refused = await signIn();
  t.is(refused.status, 403);
  t.like(refusal(refused), { msgCode: 'forbidden' });
});

test('operator API: list, put and delete through the generated client; the secret is sealed and never shown; bad settings are 400', async (t) => {
  const admin = gw.clients.admin.gateway;
  const app = await newApp(gw);
  const path = { appId: app.id, providerId: 'corp' };
  const put = await admin.PUT('/passkeys/apps/{appId}/oidc-providers/{providerId}', {
    params: { path },
    body: { issuer: 'https://login.example.com/realms/corp/', clientId: 'pk', clientSecret: 'top-secret-value', scopes: ['email'], redirectUris: ['https://app.example.com/in', 'https://app.example.com/in'] },
  });
  t.is(put.response.status, 200, JSON.stringify(put.error));
  t.like(put.data!, { appId: app.id, providerId: 'corp', issuer: 'https://login.example.com/realms/corp', clientId: 'pk', idTokenAlg: 'RS256', builtIn: false });
  t.deepEqual(put.data!.scopes, ['openid', 'email']);
  t.deepEqual(put.data!.redirectUris, ['https://app.example.com/in']);
  t.deepEqual(put.data!.callbackUris, [`${gw.url}/fido2/v2/oidc/corp/callback`]);
  const listed = must(await admin.GET('/passkeys/apps/{appId}/oidc-providers', { params: { path: { appId: app.id } } }), 'list');
  t.is(listed.items.length, 1);
  t.false(JSON.stringify([put.data, listed]).includes('top-secret-value'));
  const stored = await gw.services.store.loginidOidcProviders.findOne({ tenantId: app.id, providerId: 'corp' });
  t.false(JSON.stringify(stored).includes('top-secret-value'), 'sealed at rest');

  const bad = async (body: object, what: string) => {
    const r = await admin.PUT('/passkeys/apps/{appId}/oidc-providers/{providerId}', { params: { path }, body: body as never });
    t.is(r.response.status, 400, what);
  };
  await bad({ redirectUris: ['https://app.example.com/in'] }, 'no issuer outside the built-in provider');
  await bad({ issuer: 'https://x.example', clientId: 'a', redirectUris: ['https://app.example.com/in'] }, 'issuer without its secret');
  await bad({ issuer: 'https://x.example', clientId: 'a', clientSecret: 's', redirectUris: ['https://app.example.com/in#frag'] }, 'a fragment');
  await bad({ issuer: 'https://x.example', clientId: 'a', clientSecret: 's', redirectUris: ['http://app.example.com/in'] }, 'http off loopback');
  await bad({ issuer: 'http://x.example', clientId: 'a', clientSecret: 's', redirectUris: ['https://app.example.com/in'] }, 'an http issuer off loopback');
  await bad({ issuer: 'https://x.example', clientId: 'a', clientSecret: 's', redirectUris: [] }, 'no redirect URI');

  const builtIn = must(await admin.GET('/passkeys/apps/{appId}/oidc-providers', { params: { path: { appId: 'default' } } }), 'default list');
  t.like(builtIn.items.find((p) => p.providerId === 'default')!, { builtIn: true, issuer: `${gw.url}/api/oidc/default`, clientId: 'passkeys-oidc', idTokenAlg: 'EdDSA' });
  t.is((await admin.GET('/passkeys/apps/{appId}/oidc-providers', { params: { path: { appId: uniqueId('ghost') } } })).response.status, 404);
  t.is((await gw.clients.anonymous.gateway.GET('/passkeys/apps/{appId}/oidc-providers', { params: { path: { appId: app.id } } })).response.status, 401);
  const appKey = await gw.createApiKey(app.id, ['*']);
  const { createGatewayClient } = await import('../../clients/gateway.ts');
  const tenantAdmin = createGatewayClient({ baseUrl: gw.url, auth: { AdminApiKey: appKey.value } });
  t.is((await tenantAdmin.GET('/passkeys/apps/{appId}/oidc-providers', { params: { path: { appId: app.id } } })).response.status, 403, 'an application\'s own key is no operator');

  t.is((await admin.DELETE('/passkeys/apps/{appId}/oidc-providers/{providerId}', { params: { path } })).response.status, 204);
  t.is((await admin.DELETE('/passkeys/apps/{appId}/oidc-providers/{providerId}', { params: { path } })).response.status, 404);
  t.deepEqual(must(await admin.GET('/passkeys/apps/{appId}/oidc-providers', { params: { path: { appId: app.id } } }), 'list').items, []);
});
