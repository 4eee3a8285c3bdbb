// Session lifetime with a test clock: heartbeat renewal, idle expiry, end of life; close with and
// without forced consent; SSO reuse through the directory_sso cookie.
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { Browser } from '../helpers/http-browser.ts';
import { APP_REDIRECT, authenticateUrl, browserLogin, prepareDefaultTenant, sessionClient, sessionFromFragment, zkimgUser } from './_directory.ts';

let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);
let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway({ DIRECTORY_IDLE_SEC: '900', DIRECTORY_SESSION_SEC: '2000' }, { clock });
  await prepareDefaultTenant(gw);
});
test.after.always(() => gw?.stop());

// The clock is shared: these tests run one at a time.
test.serial('heartbeat moves heartbeat_before; a session idle past it is gone, and so is one past session_eol', async (t) => {
  offsetMs = 0;
  const zk = zkimgUser(gw);
  const leg = await browserLogin(gw, new Browser(), zk.login);
  const session = sessionFromFragment(leg.callback.location!);
  const nowS = Math.floor(clock().getTime() / 1000);
  t.true(Math.abs(session.heartbeat_before - (nowS + 900)) <= 2);
  t.true(Math.abs(session.session_eol - (nowS + 2000)) <= 2);

  offsetMs = 600_000; // 10 minutes later: still alive; a heartbeat renews
  const beat = await sessionClient(gw, session.directory_access_token).GET('/heartbeat');
  t.is(beat.response.status, 200);
  t.true(Math.abs(beat.data!.heartbeat_before - (nowS + 1500)) <= 2);
  const renewed = beat.data!.directory_access_token;

  offsetMs = 1_400_000; // before the new heartbeat_before: alive; heartbeat_before is capped at session_eol
  const beat2 = await sessionClient(gw, renewed).POST('/heartbeat');
  t.is(beat2.response.status, 200);
  t.is(beat2.data!.heartbeat_before, session.session_eol);

  offsetMs = 2_001_000; // past session_eol
  const late = await sessionClient(gw, beat2.data!.directory_access_token).GET('/heartbeat');
  t.is(late.response.status, 401);
  t.like(late.error, { code: 'E_Unauthorized', error: true });

  offsetMs = 0;
  const other = sessionFromFragment((await browserLogin(gw, new Browser(), zk.login)).callback.location!);
  offsetMs = 901_000; // no heartbeat for longer than clientmaxidledurationsec
  for (const res of [await sessionClient(gw, other.directory_access_token).GET('/heartbeat'), await sessionClient(gw, other.directory_access_token).GET('/userinfo')]) {
    t.is(res.response.status, 401);
  }
  offsetMs = 0;
});

test.serial('SSO: a second authenticate from the same browser skips the provider; close keeps it, a forced close ends it', async (t) => {
  offsetMs = 0;
  const zk = zkimgUser(gw);
  const browser = new Browser();
  const first = sessionFromFragment((await browserLogin(gw, browser, zk.login)).callback.location!);
  t.truthy(browser.jar.get('directory_sso'));

  const again = await browser.visit(authenticateUrl(gw.url, { appdata: 'second' }));
  t.is(again.status, 302);
  t.is(again.location!.origin + again.location!.pathname, APP_REDIRECT, 'no trip to the provider');
  const second = sessionFromFragment(again.location!);
  t.is(second.appdata, 'second');
  t.is(second.subinfo.sub, first.subinfo.sub);
  t.not(second.directory_access_token, first.directory_access_token);

  // close without forced consent: that session ends, the other and the SSO stay
  const closed = await sessionClient(gw, first.directory_access_token).GET('/close', { params: { query: { forceuserconsentonnextlogin: false } } });
  t.is(closed.response.status, 200);
  t.deepEqual(closed.data, {});
  t.is((await sessionClient(gw, first.directory_access_token).GET('/heartbeat')).response.status, 401);
  t.is((await sessionClient(gw, first.directory_access_token).GET('/close', { params: { query: { forceuserconsentonnextlogin: false } } })).response.status, 401);
  t.is((await sessionClient(gw, second.directory_access_token).GET('/heartbeat')).response.status, 200);
  const third = await browser.visit(authenticateUrl(gw.url));
  t.is(third.location!.origin + third.location!.pathname, APP_REDIRECT, 'SSO still works');

  // close with forced consent: the SSO grant is revoked; the next login goes to the provider and must prompt
  const forced = await sessionClient(gw, second.directory_access_token).POST('/close', { params: { query: { forceuserconsentonnextlogin: true } } });
  t.is(forced.response.status, 200);
  t.true(forced.response.headers.getSetCookie().some((c) => /^directory_sso=;/.test(c)));
  const fourth = await browser.visit(authenticateUrl(gw.url));
  t.is(fourth.status, 302);
  t.is(fourth.location!.pathname, '/api/oidc/default/authorize');
  t.is(fourth.location!.searchParams.get('prompt'), 'login');
  // after a new full login the SSO works again
  const relogin = sessionFromFragment((await browserLogin(gw, browser, zk.login)).callback.location!);
  t.is(relogin.subinfo.sub, first.subinfo.sub);
  const fifth = await browser.visit(authenticateUrl(gw.url));
  t.is(fifth.location!.origin + fifth.location!.pathname, APP_REDIRECT);
});

test.serial('a disabled user gets no session from the SSO grant and its sessions stop', async (t) => {
  offsetMs = 0;
  const zk = zkimgUser(gw);
  const browser = new Browser();
  const session = sessionFromFragment((await browserLogin(gw, browser, zk.login)).callback.location!);
  const user = (await gw.services.identity.users.getByUsername('default', zk.user.username))!;
  await gw.services.identity.users.setDisabled('default', user._id, true);
  const again = await browser.visit(authenticateUrl(gw.url));
  t.is(again.location!.pathname, '/api/oidc/default/authorize', 'back to the provider, which refuses a disabled user');
  t.is(session.subinfo.sub, user._id);
  t.is((await sessionClient(gw, session.directory_access_token).GET('/heartbeat')).response.status, 401);
});
