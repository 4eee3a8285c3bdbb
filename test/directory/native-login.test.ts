// Native logins: the client long-polls waitforauthentication on one gateway instance while the
// browser leg completes on another that shares only the database; timeouts (408), single-use
// native tokens, and LMX borrows (checkout, renew, checkin, the per-user limit, the audit log).
import test from 'ava';
import { createDirectorySessionClient } from '../../clients/directory-session.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { Browser } from '../helpers/http-browser.ts';
import { browserLogin, nativeToken, prepareDefaultTenant, sessionClient, zkimgUser, type DirectorySession } from './_directory.ts';

let gw: TestGateway;
let second: TestGateway;
test.before(async () => {
  gw = await startTestGateway({ DIRECTORY_BORROW_LIMIT: '2', DIRECTORY_LMX_FEATURE: 'infinite_client', DIRECTORY_LMX_SERVER: '6200@lmx.example.test' });
  // A second instance behind the same public URL, sharing nothing but the database (and the master key).
  second = await startTestGateway({
    MONGODB_URI: gw.storeConnection.embedded!.uri,
    MONGODB_DB: gw.config.mongodbDb ?? 'gateway',
    PUBLIC_URL: gw.config.publicUrl,
    GATEWAY_MASTER_KEY: gw.config.masterKey!,
    GATEWAY_BOOTSTRAP_KEY: gw.adminKey,
    DIRECTORY_BORROW_LIMIT: '2',
  });
  await prepareDefaultTenant(gw);
});
test.after.always(async () => {
  await second?.stop();
  await gw?.stop();
});

const poller = (g: TestGateway, token: string) => createDirectorySessionClient({ baseUrl: g.url, auth: { Bearer: token } });

test('a native login completes on a second instance while the poll waits on the first; the token is single-use', async (t) => {
  const token = nativeToken();
  const zk = zkimgUser(gw);
  const browser = new Browser();
  let polled: Awaited<ReturnType<ReturnType<typeof poller>['GET']>> | undefined;
  // authenticate first (the native token must be known), then the poll waits on gw while the callback lands on `second`.
  const start = await browser.visit(`${gw.url}/directory/api/directorysession/authenticate?claims=access%3Aclient&redirecturl=${encodeURIComponent('http://127.0.0.1:9/viewer/callback')}&nativetoken=${token}`);
  t.is(start.status, 302);
  const poll = poller(gw, token).GET('/waitforauthentication', { params: { query: { timeoutsec: 30 } } }).then((r) => (polled = r));
  await new Promise((r) => setTimeout(r, 300));
  t.is(polled, undefined, 'the poll waits');
  const authorize = await browser.visit(new URL(start.location!.pathname + start.location!.search, gw.url));
  const done = await zk.login(authorize.location!);
  const complete = await browser.visit(`${gw.url}/api/oidc/default/authorize/complete?auth_req_id=${done.authReqId}&nonce=${encodeURIComponent(done.nonce)}`);
  const callback = await browser.visit(new URL(complete.location!.pathname + complete.location!.search, second.url));
  t.is(callback.status, 302, callback.body);
  t.is(callback.location!.pathname, '/directory/api/static/onauthenticationdone.html');
  const res = await poll;
  t.is(res.response.status, 200);
  const session = res.data!;
  t.is(session.claims, 'access:client');
  t.is(session.lmxfeature, 'infinite_client');
  t.is(session.lmxserver, '6200@lmx.example.test');
  t.is(session.subinfo.email, zk.user.email);
  // the bearer works on either instance
  t.is((await sessionClient(second, session.directory_access_token).GET('/userinfo')).response.status, 200);
  // single use: collecting again, on either instance, and starting another login with the token are refused
  for (const g of [gw, second]) {
    const again = await poller(g, token).GET('/waitforauthentication', { params: { query: { timeoutsec: 0 } } });
    t.is(again.response.status, 401);
    t.like(again.error, { code: 'E_Unauthorized', error: true });
  }
  const reuse = await new Browser().visit(`${gw.url}/directory/api/directorysession/authenticate?claims=access%3Aclient&redirecturl=${encodeURIComponent('http://127.0.0.1:9/viewer/callback')}&nativetoken=${token}`);
  t.is(reuse.status, 409);
  t.is(JSON.parse(reuse.body).code, 'E_Conflict');
  // the browser's static page is served
  const page = await browser.visit(`${gw.url}/directory/api/static/onauthenticationdone.html`);
  t.is(page.status, 200);
  t.is((await browser.visit(`${gw.url}/directory/api/directorysession/onauthenticationdone`)).location?.pathname, '/directory/api/static/onauthenticationdone.html');
});

test('waitforauthentication: 408 E_Timeout while the browser leg has not completed, 401 for an unknown token', async (t) => {
  const token = nativeToken();
  const start = await new Browser().visit(`${gw.url}/directory/api/directorysession/authenticate?claims=access%3Aclient&redirecturl=${encodeURIComponent('http://127.0.0.1:9/viewer/callback')}&nativetoken=${token}`);
  t.is(start.status, 302);
  const began = Date.now();
  const res = await poller(second, token).GET('/waitforauthentication', { params: { query: { timeoutsec: 1 } } });
  t.is(res.response.status, 408);
  t.like(res.error, { code: 'E_Timeout', error: true });
  t.true(Date.now() - began >= 900);
  const unknown = await poller(gw, nativeToken()).GET('/waitforauthentication', { params: { query: { timeoutsec: 1 } } });
  t.is(unknown.response.status, 401);
  const none = await createDirectorySessionClient({ baseUrl: gw.url }).GET('/waitforauthentication', { params: { query: { timeoutsec: 1 } } });
  t.is(none.response.status, 401);
  const bad = await poller(gw, token).GET('/waitforauthentication', { params: { query: { timeoutsec: 61 } } });
  t.is(bad.response.status, 400);
  t.is((bad.error as { code: string }).code, 'E_InvalidParameter');
});

test('a browser leg that ends in a refusal answers the waiting poll at once (E_AccessDenied, E_UpstreamError), on any instance; the token stays used', async (t) => {
  for (const [error, status, code] of [['access_denied', 403, 'E_AccessDenied'], ['server_error', 502, 'E_UpstreamError']] as const) {
    const token = nativeToken();
    const browser = new Browser();
    const start = await browser.visit(`${gw.url}/directory/api/directorysession/authenticate?claims=access%3Aclient&redirecturl=${encodeURIComponent('http://127.0.0.1:9/viewer/callback')}&nativetoken=${token}`);
    t.is(start.status, 302);
    const state = start.location!.searchParams.get('state')!;
    const began = Date.now();
    const poll = poller(second, token).GET('/waitforauthentication', { params: { query: { timeoutsec: 30 } } });
    await new Promise((r) => setTimeout(r, 300));
    // The provider sends the browser back with an error instead of a code.
    const back = await browser.visit(`${gw.url}/directory/api/directorysession/onauthenticated?error=${error}&state=${state}`);
    t.is(back.status, 302);
    const res = await poll;
    t.is(res.response.status, status, error);
    t.like(res.error, { code, error: true });
    t.true(Date.now() - began < 25_000, 'answered when the browser leg ended, not at the timeout');
    const again = await poller(gw, token).GET('/waitforauthentication', { params: { query: { timeoutsec: 0 } } });
    t.is(again.response.status, status, 'polling again reports the same refusal');
    const reuse = await new Browser().visit(`${gw.url}/directory/api/directorysession/authenticate?claims=access%3Aclient&redirecturl=${encodeURIComponent('http://127.0.0.1:9/viewer/callback')}&nativetoken=${token}`);
    t.is(reuse.status, 409, 'the native token cannot start another login');
  }
});

async function nativeSession(login: ReturnType<typeof zkimgUser>['login']): Promise<{ token: string; session: DirectorySession }> {
  const token = nativeToken();
  const browser = new Browser();
  const leg = await browserLogin(gw, browser, login, { nativetoken: token });
  if (leg.callback.status !== 302) throw new Error(`callback ${leg.callback.status} ${leg.callback.body}`);
  const res = await poller(gw, token).GET('/waitforauthentication', { params: { query: { timeoutsec: 5 } } });
  if (res.data === undefined) throw new Error(`wait ${res.response.status}`);
  return { token, session: res.data };
}

test('borrowlicense: checkout, renew, checkin, the per-user limit across sessions, someone else\'s native token, the audit log', async (t) => {
  const alice = zkimgUser(gw);
  const a1 = await nativeSession(alice.login);
  const a2 = await nativeSession(alice.login);
  const a3 = await nativeSession(alice.login);
  const bob = await nativeSession(zkimgUser(gw).login);
  const borrow = (s: { token: string; session: DirectorySession }, action: 'checkout' | 'renew' | 'checkin', nativetoken = s.token, method: 'GET' | 'POST' = 'GET') =>
    method === 'GET'
      ? sessionClient(gw, s.session.directory_access_token).GET('/borrowlicense', { params: { query: { action, nativetoken } } })
      : sessionClient(gw, s.session.directory_access_token).POST('/borrowlicense', { params: { query: { action, nativetoken } } });

  t.is((await borrow(a1, 'renew')).response.status, 404, 'renew of nothing');
  t.is((await borrow(a1, 'checkin')).response.status, 404, 'checkin of nothing');
  t.is((await borrow(a1, 'checkout')).response.status, 200);
  t.is((await borrow(a1, 'checkout')).response.status, 409, 'a second checkout of one session');
  t.is((await borrow(a2, 'checkout', a2.token, 'POST')).response.status, 200);
  const over = await borrow(a3, 'checkout');
  t.is(over.response.status, 409, 'past the per-user limit of 2');
  t.like(over.error, { code: 'E_BorrowLimitReached', error: true });
  t.is((await borrow(bob, 'checkout')).response.status, 200, 'the limit is per user');
  // Alice's bearer with Bob's native token: refused, Bob's borrow untouched.
  const theft = await borrow(a1, 'checkin', bob.token);
  t.is(theft.response.status, 403);
  t.like(theft.error, { code: 'E_Forbidden' });
  t.is((await borrow(bob, 'renew')).response.status, 200);
  t.is((await borrow(a1, 'renew')).response.status, 200);
  t.is((await borrow(a1, 'checkin')).response.status, 200);
  t.is((await borrow(a3, 'checkout')).response.status, 200, 'a checked-in slot is free again');
  const bad = await borrow(a1, 'nope' as 'renew');
  t.is(bad.response.status, 400);

  const user = (await gw.services.identity.users.getByUsername('default', alice.user.username))!;
  const audit = (await gw.services.identity.audit.list('default', { limit: 500 })).filter((e) => e.actorId === user._id && e.action.startsWith('directory.borrow.'));
  // (records of one millisecond have no order: compare the multiset)
  const summary = audit.map((e) => `${e.action.slice('directory.borrow.'.length)}:${e.outcome}`).sort();
  t.deepEqual(summary, ['renew:denied', 'checkin:denied', 'checkout:success', 'checkout:denied', 'checkout:success', 'checkout:denied', 'renew:success', 'checkin:success', 'checkout:success'].sort());
  t.is(audit[0]!.details.feature, 'infinite_client');
});

test('concurrent checkouts from two instances never exceed the per-user limit', async (t) => {
  const carol = zkimgUser(gw);
  const sessions = [];
  for (let i = 0; i < 5; i++) sessions.push(await nativeSession(carol.login));
  const results = await Promise.all(
    sessions.map((s, i) => sessionClient(i % 2 ? second : gw, s.session.directory_access_token).GET('/borrowlicense', { params: { query: { action: 'checkout', nativetoken: s.token } } })),
  );
  t.is(results.filter((r) => r.response.status === 200).length, 2);
  t.is(results.filter((r) => r.response.status === 409).length, 3);
});
