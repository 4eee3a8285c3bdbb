// Web logins end to end against the gateway's own Vault (the default upstream): zkimg-1 and
// passkey logins on the Vault's login page, the session in the final redirect's fragment, its
// bearers verified by the Directory API, heartbeat, userinfo, applications, SSO reuse, and close
// with and without forced consent.
import test from 'ava';
import { decodeJwt } from 'jose';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { Browser } from '../helpers/http-browser.ts';
import { APP_REDIRECT, BASE, browserLogin, prepareDefaultTenant, sessionClient, sessionFromFragment, zkimgUser } from './_directory.ts';
import { setVaultSettings } from '../vault/auth-helpers.ts';
import { LENIENT_BLOCKS, passkeyLogin, registerPasskey, SoftwareAuthenticator, userWithToken } from '../vault/passkeys-helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
  await prepareDefaultTenant(gw);
});
test.after.always(() => gw?.stop());

test('web login with a zkimg-1 Vault login: the session in the fragment, bearers, userinfo, applications, heartbeat', async (t) => {
  const zk = zkimgUser(gw);
  const browser = new Browser();
  const leg = await browserLogin(gw, browser, zk.login, { appdata: 'return-to=project-42', appclaims: ['read:assets'], needextendedbearer: true });
  // authenticate: code flow with PKCE S256, state and nonce, to the Vault tenant default's authorize
  const up = leg.upstreamUrl;
  t.is(up.pathname, '/api/oidc/default/authorize');
  t.is(up.searchParams.get('client_id'), 'directory-session');
  t.is(up.searchParams.get('code_challenge_method'), 'S256');
  t.truthy(up.searchParams.get('state'));
  t.truthy(up.searchParams.get('nonce'));
  t.is(up.searchParams.get('redirect_uri'), `${gw.config.publicUrl}${BASE}/onauthenticated`);
  t.true(leg.start.setCookies.some((c) => /^directory_login=.+HttpOnly/i.test(c) && /SameSite=Lax/i.test(c)));

  t.is(leg.callback.status, 302, leg.callback.body);
  const final = leg.callback.location!;
  t.is(final.origin + final.pathname, APP_REDIRECT);
  t.true(leg.callback.setCookies.some((c) => /^directory_sso=.+HttpOnly/i.test(c) && /SameSite=Lax/i.test(c) && !/Secure/i.test(c)));
  const session = sessionFromFragment(final);
  t.is(session.appdata, 'return-to=project-42');
  t.is(session.claims, 'access:client');
  t.is(session.clientmaxidledurationsec, 900);
  t.true(session.heartbeat_before > Date.now() / 1000 && session.heartbeat_before <= session.session_eol);
  t.is(session.subinfo.email, zk.user.email);

  const account = (await gw.services.identity.users.getByUsername('default', zk.user.username))!;
  t.is(session.subinfo.sub, account._id, 'the Vault subject is the core user');
  const bearer = decodeJwt(session.directory_access_token);
  t.is(bearer.iss, `${gw.config.publicUrl}${BASE}`);
  t.is(bearer.aud, `${gw.config.publicUrl}${BASE}`);
  t.is(bearer.sub, account._id);
  t.deepEqual(bearer.appclaims, ['read:assets']);
  t.like(bearer.oidc as object, { iss: `${gw.config.publicUrl}/api/oidc/default`, sub: account._id });
  t.deepEqual(bearer.teams, []);
  t.is(decodeJwt(session.http_access_token).aud, `${gw.config.publicUrl}/directory/api/http`);
  t.is(decodeJwt(session.http_access_token).oidc, undefined, 'only the directory bearer is extended');

  const client = sessionClient(gw, session.directory_access_token);
  const info = await client.GET('/userinfo');
  t.is(info.response.status, 200);
  t.is(info.data?.sub, account._id);
  t.is(info.data?.email, zk.user.email);
  const apps = await client.GET('/applications');
  t.deepEqual(apps.data?.map((a) => a.id), ['viewer']);

  const beat = await client.POST('/heartbeat');
  t.is(beat.response.status, 200);
  t.true(beat.data!.heartbeat_before >= session.heartbeat_before);
  t.not(beat.data!.directory_access_token, session.directory_access_token);
  t.is((await sessionClient(gw, beat.data!.directory_access_token).GET('/heartbeat')).response.status, 200);
});

test('web login with a passkey on the Vault\'s login page', async (t) => {
  await setVaultSettings(gw, 'default', { register_enable: true, passkey_enabled: true, block_config: LENIENT_BLOCKS });
  const user = await userWithToken(gw, 'default');
  const authenticator = new SoftwareAuthenticator();
  await registerPasskey(gw, user, authenticator, 'Laptop');
  const login = async (page: URL) => {
    const authReqId = page.searchParams.get('auth_req_id')!;
    const res = await passkeyLogin(gw, 'default', user.username, authenticator, {}, authReqId);
    if (res.data === undefined) throw new Error(`passkey login: ${res.response.status} ${JSON.stringify(res.error)}`);
    return { authReqId, nonce: res.data.nonce };
  };
  const leg = await browserLogin(gw, new Browser(), login, { claims: 'access:client-dev' });
  t.is(leg.callback.status, 302, leg.callback.body);
  const session = sessionFromFragment(leg.callback.location!);
  t.is(session.subinfo.sub, user.id);
  t.is(session.claims, 'access:client-dev');
  const vaultSession = await gw.services.store.sessions.find({ tenantId: 'default', userId: user.id, method: 'passkey' }).toArray();
  t.is(vaultSession.length, 1, 'the Vault login was a passkey login');
  t.is((await sessionClient(gw, session.directory_access_token).GET('/userinfo')).data?.sub, user.id);
});
