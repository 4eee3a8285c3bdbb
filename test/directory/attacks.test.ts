// Attacks on the Directory login and session: forged, replayed and cross-browser `state`,
// unregistered redirect URLs, upstream errors, an ID token from an untrusted issuer, bearers that
// are not directory session bearers, and one tenant reaching another's registry.
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { Browser } from '../helpers/http-browser.ts';
import { APP_REDIRECT, authenticateUrl, BASE, browserLogin, nativeToken, onInstance, prepareDefaultTenant, sessionClient, sessionFromFragment, zkimgUser } from './_directory.ts';
import { startFakeOp, type FakeOp } from '../helpers/fake-op.ts';

let gw: TestGateway;
let op: FakeOp;
const OP_SECRET = 'fake-op-client-secret';
test.before(async () => {
  gw = await startTestGateway();
  await prepareDefaultTenant(gw);
  op = await startFakeOp(OP_SECRET);
});
test.after.always(async () => {
  await op?.stop();
  await gw?.stop();
});

const errorOf = (body: string) => JSON.parse(body) as { code: string; error: boolean; uuid: string };
const fragmentOf = (url: URL) => new URLSearchParams(url.hash.slice(1));

test('a forged state, a replayed callback and a callback from another browser are refused without a redirect', async (t) => {
  const zk = zkimgUser(gw);
  const browser = new Browser();
  const forged = await browser.visit(`${gw.url}${BASE}/onauthenticated?code=abc&state=forged`);
  t.is(forged.status, 400);
  t.like(errorOf(forged.body), { code: 'E_InvalidParameter', error: true });
  t.is(forged.location, null);

  // The upstream leg completes; an attacker's browser (without the binding cookie) presents the callback first.
  const start = await browser.visit(authenticateUrl(gw.url));
  const authorize = await browser.visit(onInstance(start.location!, gw.url));
  const done = await zk.login(authorize.location!);
  const complete = await browser.visit(`${gw.url}/api/oidc/default/authorize/complete?auth_req_id=${done.authReqId}&nonce=${encodeURIComponent(done.nonce)}`);
  const callbackUrl = onInstance(complete.location!, gw.url);
  const stolen = await new Browser().visit(callbackUrl);
  t.is(stolen.status, 400, 'another browser cannot finish this login');
  // ... which burnt nothing: the right browser finishes it
  const ok = await browser.visit(callbackUrl);
  t.is(ok.status, 302);
  t.is(ok.location!.origin + ok.location!.pathname, APP_REDIRECT);
  sessionFromFragment(ok.location!);
  // replay by the same browser (the binding cookie was cleared, and the state is spent)
  const replay = await browser.visit(callbackUrl);
  t.is(replay.status, 400);
  // even with the binding cookie put back, the state is spent
  browser.jar.set('directory_login', { value: 'x', path: `${BASE}/onauthenticated` });
  t.is((await browser.visit(callbackUrl)).status, 400);
});

test('redirect URLs: unregistered ones are refused; a frontend user\'s URL works for that user only', async (t) => {
  const unregistered = await new Browser().visit(authenticateUrl(gw.url, { redirecturl: 'https://evil.example/steal' }));
  t.is(unregistered.status, 400);
  t.like(errorOf(unregistered.body), { code: 'E_InvalidParameter' });
  // a URL differing only in a trailing slash or query is not the registered one
  t.is((await new Browser().visit(authenticateUrl(gw.url, { redirecturl: `${APP_REDIRECT}/` }))).status, 400);
  t.is((await new Browser().visit(authenticateUrl(gw.url, { redirecturl: `${APP_REDIRECT}?x=1` }))).status, 400);
  // access:frontend: the application's URL is not enough
  t.is((await new Browser().visit(authenticateUrl(gw.url, { claims: 'access:frontend' }))).status, 400);
  // an unknown app claim is refused
  t.is((await new Browser().visit(authenticateUrl(gw.url, { appclaims: ['admin:everything'] }))).status, 400);

  const alice = zkimgUser(gw);
  const aliceSession = sessionFromFragment((await browserLogin(gw, new Browser(), alice.login)).callback.location!);
  const frontend = 'http://127.0.0.1:9/frontend/';
  const reg = await sessionClient(gw, aliceSession.directory_access_token).GET('/registerfrontenduserandredirecturl', { params: { query: { redirecturl: frontend } } });
  t.is(reg.response.status, 200);
  t.deepEqual(reg.data, {});
  const badReg = await sessionClient(gw, aliceSession.directory_access_token).GET('/registerfrontenduserandredirecturl', { params: { query: { redirecturl: 'javascript:alert(1)' } } });
  t.is(badReg.response.status, 400);

  const aliceFrontend = await browserLogin(gw, new Browser(), alice.login, { claims: 'access:frontend', redirecturl: frontend });
  t.is(aliceFrontend.callback.location!.origin + aliceFrontend.callback.location!.pathname, frontend);
  t.is(sessionFromFragment(aliceFrontend.callback.location!).claims, 'access:frontend');

  // Bob passes authenticate (the URL is known in the tenant) but the tokens never go to Alice's URL.
  const bob = zkimgUser(gw);
  const bobLeg = await browserLogin(gw, new Browser(), bob.login, { claims: 'access:frontend', redirecturl: frontend });
  t.is(bobLeg.callback.status, 403);
  t.like(errorOf(bobLeg.callback.body), { code: 'E_Forbidden', error: true });
  t.is(bobLeg.callback.location, null);
});

test('an upstream error comes back to the redirect URL as the Infinite error, with appdata', async (t) => {
  const browser = new Browser();
  const start = await browser.visit(authenticateUrl(gw.url, { appdata: 'keep-me' }));
  const state = start.location!.searchParams.get('state')!;
  const res = await browser.visit(`${gw.url}${BASE}/onauthenticated?error=access_denied&error_description=${encodeURIComponent('user said no <script>')}&state=${state}&session_state=ignored`);
  t.is(res.status, 302);
  t.is(res.location!.origin + res.location!.pathname, APP_REDIRECT);
  const f = fragmentOf(res.location!);
  t.is(f.get('code'), 'E_AccessDenied');
  t.is(f.get('error'), 'true');
  t.regex(f.get('uuid')!, /^[0-9a-f-]{36}$/);
  t.is(f.get('appdata'), 'keep-me');
  t.false(res.location!.href.includes('script'));
  // a callback with neither code nor error
  const start2 = await browser.visit(authenticateUrl(gw.url));
  const none = await browser.visit(`${gw.url}${BASE}/onauthenticated?state=${start2.location!.searchParams.get('state')}`);
  t.is(fragmentOf(none.location!).get('code'), 'E_InvalidParameter');
});

/** A tenant whose upstream is the fake provider, with an application redirecting to APP_REDIRECT. */
async function fakeOpTenant(): Promise<string> {
  const tenantId = await gw.createTenant();
  const admin = gw.clients.admin.gateway;
  const put = await admin.PUT('/directory/tenants/{tenant_id}/upstream', {
    params: { path: { tenant_id: tenantId } },
    body: { issuer: op.issuer, clientId: 'acme-directory', clientSecret: OP_SECRET, idTokenAlg: 'ES256' },
  });
  if (put.response.status !== 200) throw new Error(`put upstream ${put.response.status} ${JSON.stringify(put.error)}`);
  await admin.PUT('/directory/tenants/{tenant_id}/applications/{app_id}', {
    params: { path: { tenant_id: tenantId, app_id: 'acme-viewer' } },
    body: { name: 'Acme viewer', claims: ['access:client'], redirectUrls: [APP_REDIRECT] },
  });
  return tenantId;
}

/** authenticate in `tenantId`, then the provider "answers" a code for which it will issue `idToken`. */
async function fakeOpLogin(tenantId: string, id: { sub: string; claims?: Record<string, unknown>; lieAboutIssuer?: string }) {
  const browser = new Browser();
  const start = await browser.visit(authenticateUrl(gw.url, { tenant: tenantId }));
  if (start.status !== 302) throw new Error(`authenticate ${start.status} ${start.body}`);
  const up = start.location!;
  const code = `code-${Math.random()}`;
  op.codes.set(code, { clientId: up.searchParams.get('client_id')!, codeChallenge: up.searchParams.get('code_challenge')!, nonce: up.searchParams.get('nonce')!, ...id });
  return browser.visit(`${gw.url}${BASE}/onauthenticated?code=${code}&state=${up.searchParams.get('state')}`);
}

test('per-tenant upstream: a foreign provider logs users in (secret sealed at rest), an ID token from an untrusted issuer does not', async (t) => {
  const tenantId = await fakeOpTenant();
  const stored = await gw.services.store.directoryUpstreams.findOne({ _id: tenantId });
  t.false(JSON.stringify(stored).includes(OP_SECRET), 'the client secret is sealed');
  const view = await gw.clients.admin.gateway.GET('/directory/tenants/{tenant_id}/upstream', { params: { path: { tenant_id: tenantId } } });
  t.like(view.data, { issuer: op.issuer, clientId: 'acme-directory', builtIn: false });
  t.false(JSON.stringify(view.data).includes(OP_SECRET));

  const ok = await fakeOpLogin(tenantId, { sub: 'acme-42', claims: { email: 'grace@acme.example', name: 'Grace Hopper', preferred_username: 'grace' } });
  t.is(ok.status, 302, ok.body);
  const session = sessionFromFragment(ok.location!);
  t.deepEqual(session.subinfo, { sub: 'acme-42', email: 'grace@acme.example', name: 'Grace Hopper' });
  t.is(session.displayname, 'Grace Hopper');
  const user = await gw.services.store.users.findOne({ tenantId, externalId: `${op.issuer}#acme-42` });
  t.is(user?.username, 'grace', 'provisioned at the first login');
  // the tenant's session sees the tenant's applications only
  const apps = await sessionClient(gw, session.directory_access_token).GET('/applications');
  t.deepEqual(apps.data?.map((a) => a.id), ['acme-viewer']);
  // a second login maps to the same user
  const again = sessionFromFragment((await fakeOpLogin(tenantId, { sub: 'acme-42', claims: { email: 'grace@acme.example' } })).location!);
  t.is(again.subinfo.sub, 'acme-42');
  t.is(await gw.services.store.users.countDocuments({ tenantId }), 1);

  // The provider's ID token claims another issuer (say, the gateway's own Vault, to impersonate a Vault user).
  const liar = await fakeOpLogin(tenantId, { sub: 'acme-43', lieAboutIssuer: `${gw.config.publicUrl}/api/oidc/${tenantId}` });
  t.is(liar.status, 302);
  t.is(fragmentOf(liar.location!).get('code'), 'E_UpstreamError');
  t.is(fragmentOf(liar.location!).get('directory_access_token'), null);
  t.is(await gw.services.store.users.countDocuments({ tenantId }), 1, 'nobody was provisioned');
  const failures = await gw.services.identity.audit.list(tenantId, { action: 'directory.login' });
  t.true(failures.some((e) => e.outcome === 'failure'));
});

test('bearers that are not this session\'s directory bearer are refused on heartbeat, close and borrow', async (t) => {
  const alice = zkimgUser(gw);
  const a = sessionFromFragment((await browserLogin(gw, new Browser(), alice.login)).callback.location!);
  const b = sessionFromFragment((await browserLogin(gw, new Browser(), zkimgUser(gw).login)).callback.location!);
  const vaultToken = (await gw.createApiKey('default', ['*'])).value;
  for (const bearer of [a.http_access_token, vaultToken, `${a.directory_access_token}x`, nativeToken()]) {
    const client = sessionClient(gw, bearer);
    t.is((await client.GET('/heartbeat')).response.status, 401);
    t.is((await client.GET('/close', { params: { query: { forceuserconsentonnextlogin: true } } })).response.status, 401);
    t.is((await client.GET('/borrowlicense', { params: { query: { action: 'checkout', nativetoken: 'nt' } } })).response.status, 401);
  }
  // A web session has no native token: borrowing with anyone's is refused.
  t.is((await sessionClient(gw, a.directory_access_token).GET('/borrowlicense', { params: { query: { action: 'checkout', nativetoken: 'nt_guess' } } })).response.status, 403);
  // Alice closing her session leaves Bob's alone.
  t.is((await sessionClient(gw, a.directory_access_token).POST('/close', { params: { query: { forceuserconsentonnextlogin: true } } })).response.status, 200);
  t.is((await sessionClient(gw, b.directory_access_token).GET('/heartbeat')).response.status, 200);
});

test('operator API: the registries are platform-admin only and per tenant', async (t) => {
  const tenantId = await gw.createTenant();
  const tenantAdmin = (await gw.createApiKey(tenantId, ['*'])).value;
  const { createGatewayClient } = await import('../../clients/gateway.ts');
  const asTenant = createGatewayClient({ baseUrl: gw.url, auth: { AdminApiKey: tenantAdmin } });
  const res = await asTenant.PUT('/directory/tenants/{tenant_id}/upstream', {
    params: { path: { tenant_id: tenantId } },
    body: { issuer: 'https://evil.example', clientId: 'x', clientSecret: 'y' },
  });
  t.is(res.response.status, 403);
  const admin = gw.clients.admin.gateway;
  t.is((await admin.GET('/directory/tenants/{tenant_id}/upstream', { params: { path: { tenant_id: tenantId } } })).response.status, 404, 'no default upstream outside tenant default');
  t.like((await admin.GET('/directory/tenants/{tenant_id}/upstream', { params: { path: { tenant_id: 'default' } } })).data, { builtIn: true, clientId: 'directory-session' });
  t.is((await admin.GET('/directory/tenants/{tenant_id}/applications', { params: { path: { tenant_id: 'no-such-tenant' } } })).response.status, 404);
  const noUpstream = await new Browser().visit(authenticateUrl(gw.url, { tenant: tenantId }));
  t.is(noUpstream.status, 400, 'no application registers the URL in that tenant');
  await admin.PUT('/directory/tenants/{tenant_id}/applications/{app_id}', { params: { path: { tenant_id: tenantId, app_id: 'a' } }, body: { name: 'A', claims: ['access:client'], redirectUrls: [APP_REDIRECT] } });
  const unavailable = await new Browser().visit(authenticateUrl(gw.url, { tenant: tenantId }));
  t.is(unavailable.status, 503);
  t.like(errorOf(unavailable.body), { code: 'E_ServiceUnavailable' });
  t.is((await admin.DELETE('/directory/tenants/{tenant_id}/applications/{app_id}', { params: { path: { tenant_id: tenantId, app_id: 'a' } } })).response.status, 204);
  t.is((await admin.DELETE('/directory/tenants/{tenant_id}/applications/{app_id}', { params: { path: { tenant_id: tenantId, app_id: 'a' } } })).response.status, 404);
});
