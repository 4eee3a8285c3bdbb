// Contract: every operation of the Directory session API through the generated client, with the
// test gateway's response validation on (a reply off the spec is a 500 there), errors in the
// Infinite shape, and the operator API's Directory registry operations.
import test from 'ava';
import { createDirectorySessionClient } from '../../clients/directory-session.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { Browser } from '../helpers/http-browser.ts';
import { APP_REDIRECT, browserLogin, nativeToken, prepareDefaultTenant, sessionClient, zkimgUser } from './_directory.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
  await prepareDefaultTenant(gw);
});
test.after.always(() => gw?.stop());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const noRedirects = (cookie?: string) => createDirectorySessionClient({
  baseUrl: gw.url,
  fetch: (req) => {
    const headers = new Headers(req.headers);
    if (cookie) headers.set('cookie', cookie);
    return fetch(new Request(req, { redirect: 'manual', headers }));
  },
});

test('every operation answers per the spec', async (t) => {
  const anonymous = noRedirects();
  const token = nativeToken();
  const auth = await anonymous.GET('/authenticate', { params: { query: { claims: 'access:client', redirecturl: APP_REDIRECT, nativetoken: token, appdata: 'a' } } });
  t.is(auth.response.status, 302);
  t.regex(auth.response.headers.get('location')!, /\/api\/oidc\/default\/authorize\?/);
  const state = new URL(auth.response.headers.get('location')!).searchParams.get('state')!;

  const badAuth = await anonymous.GET('/authenticate', { params: { query: { claims: 'access:nope' as 'access:client', redirecturl: APP_REDIRECT } } });
  t.is(badAuth.response.status, 400);
  t.like(badAuth.error, { code: 'E_InvalidParameter', error: true });
  t.regex((badAuth.error as { uuid: string }).uuid, UUID);
  t.is(badAuth.response.headers.get('x-error-id'), (badAuth.error as { uuid: string }).uuid);

  const cb = await anonymous.GET('/onauthenticated', { params: { query: { state, error: 'login_required' } } });
  t.is(cb.response.status, 400, 'no binding cookie: the state is not this client\'s');
  const done = await anonymous.GET('/onauthenticationdone');
  t.is(done.response.status, 302);
  t.is(done.response.headers.get('location'), '/directory/api/static/onauthenticationdone.html');

  const wait = await createDirectorySessionClient({ baseUrl: gw.url, auth: { Bearer: token } }).GET('/waitforauthentication', { params: { query: { timeoutsec: 0 } } });
  t.is(wait.response.status, 408);
  t.like(wait.error, { code: 'E_Timeout', error: true });

  // a session, through the browser leg, then every session operation
  const native = nativeToken();
  const leg = await browserLogin(gw, new Browser(), zkimgUser(gw).login, { nativetoken: native });
  t.is(leg.callback.status, 302);
  const collected = await createDirectorySessionClient({ baseUrl: gw.url, auth: { Bearer: native } }).GET('/waitforauthentication', { params: { query: { timeoutsec: 5 } } });
  t.is(collected.response.status, 200);
  const client = sessionClient(gw, collected.data!.directory_access_token);
  t.is((await client.GET('/heartbeat')).response.status, 200);
  t.is((await client.POST('/heartbeat')).response.status, 200);
  t.is((await client.GET('/userinfo')).response.status, 200);
  t.is((await client.GET('/applications')).response.status, 200);
  t.is((await client.GET('/registerfrontenduserandredirecturl', { params: { query: { redirecturl: 'https://frontend.example/' } } })).response.status, 200);
  t.is((await client.GET('/borrowlicense', { params: { query: { action: 'checkout', nativetoken: native } } })).response.status, 200);
  t.is((await client.POST('/borrowlicense', { params: { query: { action: 'checkin', nativetoken: native } } })).response.status, 200);
  const missing = await client.GET('/borrowlicense', { params: { query: { action: 'renew' } as never } });
  t.is(missing.response.status, 400);
  t.like(missing.error, { code: 'E_InvalidParameter' });
  t.is((await client.GET('/close', { params: { query: { forceuserconsentonnextlogin: false } } })).response.status, 200);
  t.is((await client.POST('/close', { params: { query: { forceuserconsentonnextlogin: false } } })).response.status, 401);
  const gone = await client.GET('/userinfo');
  t.is(gone.response.status, 401);
  t.like(gone.error, { code: 'E_Unauthorized', error: true });

  // no bearer at all, and an unknown path, in the Infinite shape too
  const anonymousSession = createDirectorySessionClient({ baseUrl: gw.url });
  t.like((await anonymousSession.GET('/applications')).error, { code: 'E_Unauthorized', error: true });
  const unknown = await fetch(`${gw.url}/directory/api/directorysession/nope`);
  t.is(unknown.status, 404);
  t.like(await unknown.json(), { code: 'E_NotFound', error: true });
});

test('operator API: Directory applications and upstream', async (t) => {
  const admin = gw.clients.admin.gateway;
  const put = await admin.PUT('/directory/tenants/{tenant_id}/applications/{app_id}', {
    params: { path: { tenant_id: 'default', app_id: 'contract-app' } },
    body: { name: 'Contract', url: 'https://contract.example/', claims: ['access:frontend'], scopes: ['s1'], redirectUrls: ['https://contract.example/cb'] },
  });
  t.is(put.response.status, 200);
  t.like(put.data, { id: 'contract-app', tenantId: 'default', claims: ['access:frontend'] });
  const list = await admin.GET('/directory/tenants/{tenant_id}/applications', { params: { path: { tenant_id: 'default' } } });
  t.true(list.data!.applications.some((a) => a.id === 'contract-app'));
  const bad = await admin.PUT('/directory/tenants/{tenant_id}/applications/{app_id}', {
    params: { path: { tenant_id: 'default', app_id: 'x' } },
    body: { name: 'X', claims: ['root'] as never },
  });
  t.is(bad.response.status, 400);
  t.is((await admin.DELETE('/directory/tenants/{tenant_id}/applications/{app_id}', { params: { path: { tenant_id: 'default', app_id: 'contract-app' } } })).response.status, 204);

  const tenantId = await gw.createTenant();
  const up = await admin.PUT('/directory/tenants/{tenant_id}/upstream', {
    params: { path: { tenant_id: tenantId } },
    body: { issuer: 'https://idp.example/', clientId: 'c', clientSecret: 's', scopes: ['email'] },
  });
  t.is(up.response.status, 200);
  t.like(up.data, { issuer: 'https://idp.example', scopes: ['openid', 'email'], idTokenAlg: 'RS256', builtIn: false });
  t.is((await admin.DELETE('/directory/tenants/{tenant_id}/upstream', { params: { path: { tenant_id: tenantId } } })).response.status, 204);
  t.is((await admin.GET('/directory/tenants/{tenant_id}/upstream', { params: { path: { tenant_id: tenantId } } })).response.status, 404);
  t.is((await admin.DELETE('/directory/tenants/{tenant_id}/upstream', { params: { path: { tenant_id: tenantId } } })).response.status, 404);
});
