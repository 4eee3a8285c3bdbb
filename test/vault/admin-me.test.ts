/**
 * /api/me and /api/me/sessions: the user behind an API key or an access token, 404 for credentials
 * without a user, the user's open sessions with parsed user agents and the current one flagged,
 * and nothing of another user or tenant.
 */
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { audiences, issuers } from '../../server/issuers.ts';
import { completeLogin } from '../../server/identity/vault/login-continuation.ts';
import { uniqueId, vaultWithKey, vaultWithToken } from './admin-helpers.ts';
import { codeFor, postForm, REDIRECT, setupTenant } from './_oidc.ts';

const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const SAFARI_IPAD = 'Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

let gw: TestGateway;
let tenantA: string;
let tenantB: string;

test.before(async () => {
  gw = await startTestGateway();
  tenantA = await gw.createTenant(uniqueId('ma'));
  tenantB = await gw.createTenant(uniqueId('mb'));
});
test.after.always(async () => {
  await gw?.stop();
});

/** An access token as the Vault's token endpoint issues them (identity/oauth/access-tokens.ts). */
async function accessToken(tenantId: string, userId: string, sid: string, scope = 'openid', clientId = 'demo'): Promise<string> {
  const publicUrl = gw.config.publicUrl;
  const issued = await gw.services.identity.tokens.issue({
    issuer: issuers.vault(publicUrl, tenantId),
    audience: [audiences.vaultApi(publicUrl), clientId],
    subject: userId,
    ttlSeconds: 300,
    typ: 'at+jwt',
    // tokens without a login session (client_credentials) carry no sid
    claims: { tid: tenantId, scope, client_id: clientId, ...(sid ? { sid } : {}) },
  });
  return issued.token;
}

async function login(tenantId: string, userId: string, userAgent: string, ip = '203.0.113.7'): Promise<string> {
  const { sessionId } = await completeLogin(gw.services, { tenantId, userId, method: 'zkimg', needVerify: false, ip, userAgent });
  return sessionId;
}

test('/me returns the key owner\'s user; a tenant-level key gets 404 with a reason', async (t) => {
  const alice = await gw.createUser(tenantA, uniqueId('alice'));
  const key = await gw.createApiKey(tenantA, [], alice.id);
  const r = await vaultWithKey(gw, key.value).GET('/me');
  t.is(r.response.status, 200);
  t.is(r.data!.user_id, alice.id);
  t.is(r.data!.username, alice.username);
  t.is(r.data!.tenant_id, tenantA);

  const tenantKey = await gw.createApiKey(tenantA, ['users:read']);
  const none = await vaultWithKey(gw, tenantKey.value).GET('/me');
  t.is(none.response.status, 404);
  t.regex((none.error as { detail: string }).detail, /not tied to a user/);
  t.is((await gw.clients.admin.vault.GET('/me')).response.status, 404, 'the bootstrap key has no user');
  t.is((await gw.clients.anonymous.vault.GET('/me')).response.status, 401);
});

test('/me with an access token is the token\'s user; a token whose user is gone is 404', async (t) => {
  const bob = await gw.createUser(tenantA, uniqueId('bob'));
  const sid = await login(tenantA, bob.id, FIREFOX_LINUX);
  const r = await vaultWithToken(gw, await accessToken(tenantA, bob.id, sid)).GET('/me');
  t.is(r.response.status, 200);
  t.is(r.data!.user_id, bob.id);
  await gw.services.identity.users.delete(tenantA, bob.id);
  t.is((await vaultWithToken(gw, await accessToken(tenantA, bob.id, sid)).GET('/me')).response.status, 404);
});

test('/me/sessions lists the user\'s open sessions, newest first, with parsed user agents; current flagged', async (t) => {
  const carol = await gw.createUser(tenantA, uniqueId('carol'));
  const s1 = await login(tenantA, carol.id, FIREFOX_LINUX, '198.51.100.1');
  const s2 = await login(tenantA, carol.id, SAFARI_IPHONE);
  const s3 = await login(tenantA, carol.id, SAFARI_IPAD);
  const ended = await login(tenantA, carol.id, GOOGLEBOT);
  await gw.services.store.sessions.updateOne({ _id: ended }, { $set: { endedAt: new Date() } });
  const expired = await login(tenantA, carol.id, FIREFOX_LINUX);
  await gw.services.store.sessions.updateOne({ _id: expired }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
  // Other users' sessions, in this tenant and another, must not appear.
  const dave = await gw.createUser(tenantA, uniqueId('dave'));
  await login(tenantA, dave.id, FIREFOX_LINUX);
  const other = await gw.createUser(tenantB, uniqueId('erin'));
  await login(tenantB, other.id, FIREFOX_LINUX);

  const r = await vaultWithToken(gw, await accessToken(tenantA, carol.id, s2)).GET('/me/sessions');
  t.is(r.response.status, 200);
  const list = r.data!;
  t.is(list.total, 3);
  t.deepEqual(list.sessions.map((s) => s.session_id).sort(), [s1, s2, s3].sort());
  t.true(list.sessions.every((s) => s.user_id === carol.id && s.tenant_id === tenantA));
  const byId = new Map(list.sessions.map((s) => [s.session_id, s as typeof s & { current?: boolean }]));
  t.true(byId.get(s2)!.current);
  t.false(byId.get(s1)!.current);

  const linux = byId.get(s1)!;
  t.is(linux.created.ip, '198.51.100.1');
  t.is(linux.created.user_agent, FIREFOX_LINUX);
  t.deepEqual(linux.created.user_agent_parsed, {
    browser: { family: 'Firefox', version: '127.0' },
    os: { family: 'Linux', version: '' },
    device: { family: 'Other', brand: '', model: '' },
    is_mobile: false,
    is_tablet: false,
    is_pc: true,
    is_bot: false,
  });
  t.truthy(linux.last_access?.at);
  const phone = byId.get(s2)!.created.user_agent_parsed!;
  t.is(phone.os?.family, 'iOS');
  t.is(phone.device?.brand, 'Apple');
  t.is(phone.device?.model, 'iPhone');
  t.true(phone.is_mobile);
  t.false(phone.is_pc);
  const tablet = byId.get(s3)!.created.user_agent_parsed!;
  t.true(tablet.is_tablet);
  t.false(tablet.is_mobile);

  const sorted = [...list.sessions].map((s) => Date.parse(s.created.at));
  t.deepEqual(sorted, [...sorted].sort((a, b) => b - a), 'newest first');
});

test('/me/sessions: a bot user agent is flagged; an API key sees the sessions, none current; no user is 404', async (t) => {
  const frank = await gw.createUser(tenantA, uniqueId('frank'));
  await login(tenantA, frank.id, GOOGLEBOT);
  const key = await gw.createApiKey(tenantA, [], frank.id);
  const r = await vaultWithKey(gw, key.value).GET('/me/sessions');
  t.is(r.response.status, 200);
  t.is(r.data!.total, 1);
  const parsed = r.data!.sessions[0]!.created.user_agent_parsed!;
  t.true(parsed.is_bot);
  t.false(parsed.is_pc);
  t.is(parsed.browser?.family, 'Googlebot');
  t.false((r.data!.sessions[0] as { current?: boolean }).current);
  const none = await vaultWithKey(gw, (await gw.createApiKey(tenantA, ['users:read'])).value).GET('/me/sessions');
  t.is(none.response.status, 404);
});

test('attack: a token naming another tenant\'s user id in tenant B\'s issuer reads nothing of tenant A', async (t) => {
  const victim = await gw.createUser(tenantA, uniqueId('victim'));
  await login(tenantA, victim.id, FIREFOX_LINUX);
  // A token of tenant B whose subject is A's user id (guessed): the lookups stay in tenant B.
  const forged = await accessToken(tenantB, victim.id, '');
  // and with a session id that tenant B does not have, the token is refused outright
  t.is((await vaultWithToken(gw, await accessToken(tenantB, victim.id, 'no-session')).GET('/me')).response.status, 401);
  const me = await vaultWithToken(gw, forged).GET('/me');
  t.is(me.response.status, 404);
  const sessions = await vaultWithToken(gw, forged).GET('/me/sessions');
  t.is(sessions.response.status, 200);
  t.is(sessions.data!.total, 0);
  // And a key of tenant B owned by that id (a dangling owner) sees nothing either: a key whose
  // owner does not exist in its tenant is refused outright.
  const key = await gw.createApiKey(tenantB, [], victim.id);
  t.is((await vaultWithKey(gw, key.value).GET('/me')).response.status, 401);
  t.is((await vaultWithKey(gw, key.value).GET('/me/sessions')).response.status, 401);
});

test('a client_credentials token (sub = its client) has no user: /me, /me/sessions 404; its /keys is empty', async (t) => {
  // Even a user whose id equals the client id is not reached through the client's token.
  const user = await gw.createUser(tenantA, uniqueId('svc'));
  // `account` too (as a record from before client_credentials stopped granting it would), so the
  // empty /keys below is for want of a user, not of the scope.
  const token = await accessToken(tenantA, user.id, '', 'users:read account', user.id);
  const client = vaultWithToken(gw, token);
  const me = await client.GET('/me');
  t.is(me.response.status, 404);
  t.regex((me.error as { detail: string }).detail, /client_credentials/);
  t.is((await client.GET('/me/sessions')).response.status, 404);
  const keys = await client.GET('/keys');
  t.is(keys.response.status, 200);
  t.deepEqual(keys.data!.api_keys, []);
});

test('a user\'s access token lists the user\'s keys and creates keys owned by the user', async (t) => {
  const grace = await gw.createUser(tenantA, uniqueId('grace'));
  const sid = await login(tenantA, grace.id, FIREFOX_LINUX);
  const client = vaultWithToken(gw, await accessToken(tenantA, grace.id, sid, 'openid users:read account'));
  const created = await client.POST('/keys', { body: { name: 'from token', scopes: ['users:read'], tenant_id: tenantA } });
  t.is(created.response.status, 201);
  t.is(created.data!.user_id, grace.id);
  const mine = await client.GET('/keys');
  t.deepEqual(mine.data!.api_keys.map((k) => k.key_id), [created.data!.key_id]);
  t.is(mine.data!.api_keys[0]!.username, grace.username);
  t.is((await gw.clients.anonymous.vault.GET('/keys')).response.status, 401);
  t.is((await gw.clients.anonymous.vault.GET('/me/sessions')).response.status, 401);
});

test('/me/sessions shows the token issue of a code exchange and of each refresh (recorded on the refresh-token family)', async (t) => {
  const s = await setupTenant(gw);
  const { client } = await s.client({ type: 'public' });
  const { code, verifier, sessionId } = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: client.clientId });
  const token = (form: Record<string, string>, userAgent: string) => postForm(`${s.issuer}/token/standard`, { client_id: client.clientId, ...form }, { 'user-agent': userAgent });
  const issued = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier! }, FIREFOX_LINUX);
  t.is(issued.status, 200, JSON.stringify(issued.body));
  const listed = async (accessToken: string) => {
    const r = await vaultWithToken(gw, accessToken).GET('/me/sessions');
    t.is(r.response.status, 200);
    return r.data!.sessions.find((x) => x.session_id === sessionId)!;
  };
  const afterExchange = await listed(issued.body.access_token);
  t.is(afterExchange.token_issue?.user_agent, FIREFOX_LINUX);
  t.is(afterExchange.last_access?.user_agent, FIREFOX_LINUX);

  const refreshed = await token({ grant_type: 'refresh_token', refresh_token: issued.body.refresh_token }, SAFARI_IPAD);
  t.is(refreshed.status, 200, JSON.stringify(refreshed.body));
  const afterRefresh = await listed(refreshed.body.access_token);
  t.is(afterRefresh.token_issue?.user_agent, SAFARI_IPAD);
  t.true(afterRefresh.token_issue!.user_agent_parsed!.is_tablet);
  t.true(Date.parse(afterRefresh.token_issue!.at) >= Date.parse(afterExchange.token_issue!.at));
  t.is(afterRefresh.last_access?.user_agent, SAFARI_IPAD);
});
