// One-time codes and profiles of the Passkeys API: auth/otp (a signed-in user's code for another
// device), auth/otp/email and sms (always 204; codes through the outbox), auth/otp/verify (single
// use, expiring, locked out like a Vault login), and the profile operations (e-mail and phone with
// and without verification, E.164, consent). Serial: they share the default application.
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { claimsOf, done, jwtClient, must, newApp, registered, type App } from './_helpers.ts';
import { keyClient } from './_helpers.ts';
import { createPasskeysClient } from '../../clients/passkeys.ts';
import { DEFAULT_BLOCK_CONFIG } from '../../server/identity/vault/tenant-settings.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway({ GATEWAY_OUTBOX: '1' });
});
test.after.always(() => gw?.stop());

/** The calls that name no application act in the default one (the request's host names none). */
async function defaultApp(blocks: Record<string, number> = {}): Promise<App> {
  // One address sends every test's requests: only the username's counter is under test.
  const blockConfig = { ...DEFAULT_BLOCK_CONFIG, ip_attempts_limit: 10_000, user_attempts_limit: 10_000, ...blocks };
  await gw.services.identity.tenants.update('default', { settings: { vault: { block_config: blockConfig } } });
  return { id: 'default', key: gw.adminKey, mgmt: keyClient(gw, gw.adminKey), anon: createPasskeysClient({ baseUrl: gw.url }) };
}

async function lastCode(to: string): Promise<string> {
  const list = must(await gw.clients.admin.gateway.GET('/outbox', { params: { query: { to, limit: 1 } } }), 'outbox');
  const m = /\b(\d{6})\b/.exec(list.messages[0]?.body ?? '');
  if (!m) throw new Error(`no code for ${to}`);
  return m[1]!;
}

const verify = (app: App, username: string, authCode: string) => app.anon.POST('/auth/otp/verify', { body: { authCode, user: { username, usernameType: 'email' } } });

test.serial('a signed-in user gets a code that signs it in on another device, once', async (t) => {
  const app = await defaultApp();
  const reg = await registered(gw, app);
  const code = must(await jwtClient(gw, reg.jwtAccess).POST('/auth/otp'), 'auth/otp');
  t.regex(code.code, /^\d{6}$/);
  t.true(Date.parse(code.expiresAt) > Date.now());
  const signedIn = must(await verify(app, reg.username, code.code), 'verify');
  t.is(signedIn.userId, reg.userId);
  t.is(claimsOf(signedIn.jwtAccess).username, reg.username);
  t.is((await verify(app, reg.username, code.code)).response.status, 400, 'single use');
  const stored = await gw.services.store.loginidOtps.findOne({ userId: reg.userId });
  t.falsy(stored && JSON.stringify(stored).includes(code.code), 'only the hash is stored');
});

test.serial('codes by e-mail: 204 whether or not the user exists; the code from the outbox signs in; an expired code does not', async (t) => {
  const app = await defaultApp();
  const reg = await registered(gw, app);
  const send = (username: string) => app.anon.POST('/auth/otp/email', { body: { user: { username, usernameType: 'email' } } });
  done(await send('nobody@example.test'), 'unknown user');
  done(await send(reg.username), 'known user');
  const code = await lastCode(reg.username);
  must(await verify(app, reg.username, code), 'verify');
  done(await send(reg.username), 'again');
  const second = await lastCode(reg.username);
  await gw.services.store.loginidOtps.updateMany({ userId: reg.userId }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
  t.is((await verify(app, reg.username, second)).response.status, 400);
  // SMS only to a verified number with consent: none here, and still 204
  done(await app.anon.POST('/auth/otp/sms', { body: { user: { username: reg.username, usernameType: 'email' } } }), 'sms');
  t.is((await gw.clients.admin.gateway.GET('/outbox', { params: { query: { channel: 'sms', limit: 200 } } })).data?.messages.filter((m) => m.to === reg.username).length ?? 0, 0);
});

test.serial('guessing codes hits the core lockout (429 with Retry-After), then even the right code waits', async (t) => {
  const app = await defaultApp({ user_attempts_limit: 3, user_timeframe_seconds: 600, initial_block_seconds: 300 });
  const reg = await registered(gw, app);
  const code = must(await jwtClient(gw, reg.jwtAccess).POST('/auth/otp'), 'auth/otp').code;
  const wrong = code === '000000' ? '111111' : '000000';
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await verify(app, reg.username, wrong)).response.status);
  t.deepEqual(statuses.slice(0, 3), [400, 400, 400]);
  t.deepEqual(statuses.slice(3), [429, 429], JSON.stringify(statuses));
  const blocked = await verify(app, reg.username, code);
  t.is(blocked.response.status, 429);
  t.truthy(blocked.response.headers.get('retry-after'));
  t.is((blocked.error as { msgCode: string }).msgCode, 'too_many_requests');
});

test.serial('profile: e-mail with and without verification, delete; phone E.164, consent, verification, delete; user delete', async (t) => {
  const app = await defaultApp();
  const reg = await registered(gw, app);
  const id = reg.userId;
  const user = () => gw.services.identity.users.get(app.id, id);
  done(await app.mgmt.POST('/profile/{id}/email', { params: { path: { id } }, body: { email: 'direct@example.test', requestVerification: false } }), 'email now');
  t.is((await user())?.email, 'direct@example.test');
  t.is((await user())?.emailVerified, false);
  done(await app.mgmt.POST('/profile/{id}/email', { params: { path: { id } }, body: { email: 'new@example.test', requestVerification: true } }), 'email verify');
  t.is((await user())?.email, 'direct@example.test', 'not before the code');
  const code = await lastCode('new@example.test');
  t.is((await app.anon.POST('/profile/email/verify', { body: { username: reg.username, authCode: '999999' === code ? '000000' : '999999' } })).response.status, 400);
  done(await app.anon.POST('/profile/email/verify', { body: { username: reg.username, authCode: code } }), 'verify email');
  t.is((await user())?.email, 'new@example.test');
  t.is((await user())?.emailVerified, true);
  t.is((await app.mgmt.DELETE('/profile/{id}/email', { params: { path: { id } }, body: { email: 'other@example.test' } })).response.status, 404);
  done(await app.mgmt.DELETE('/profile/{id}/email', { params: { path: { id } }, body: { email: 'NEW@example.test' } }), 'delete email');
  t.is((await user())?.email, null);

  const bad = await app.mgmt.POST('/profile/{id}/phone', { params: { path: { id } }, body: { phoneNumber: '555-0123', messagingConsent: true, requestVerification: true } });
  t.is(bad.response.status, 400);
  t.is((bad.error as { msgCode: string }).msgCode, 'bad_request');
  const noConsent = await app.mgmt.POST('/profile/{id}/phone', { params: { path: { id } }, body: { phoneNumber: '+14155550123', messagingConsent: false, requestVerification: true } });
  t.is(noConsent.response.status, 400);
  done(await app.mgmt.POST('/profile/{id}/phone', { params: { path: { id } }, body: { phoneNumber: '+442079460958', messagingConsent: true, requestVerification: true } }), 'phone');
  const sms = await lastCode('+442079460958');
  done(await app.anon.POST('/profile/phone/verify', { body: { username: reg.username, authCode: sms } }), 'verify phone');
  t.is((await user())?.phone, '+442079460958');
  // now a code by SMS reaches the verified number
  done(await app.anon.POST('/auth/otp/sms', { body: { user: { username: reg.username, usernameType: 'email' } } }), 'sms code');
  must(await verify(app, reg.username, await lastCode('+442079460958')), 'sign in by sms code');
  done(await app.mgmt.DELETE('/profile/{id}/phone', { params: { path: { id } } }), 'delete phone');
  t.is((await user())?.phone, null);
  done(await app.mgmt.POST('/profile/{id}/phone', { params: { path: { id } }, body: { phoneNumber: '+14155550123', messagingConsent: false, requestVerification: false } }), 'phone now');
  t.is((await user())?.phone, '+14155550123');

  done(await app.mgmt.DELETE('/profile/{id}', { params: { path: { id } } }), 'delete profile');
  t.is(await user(), null);
  t.is(await gw.services.store.passkeyCredentials.countDocuments({ tenantId: app.id, userId: id }), 0);
  t.is((await app.mgmt.DELETE('/profile/{id}', { params: { path: { id } } })).response.status, 404);
});

test.serial('the application of calls without app.id comes from the Host an application claims', async (t) => {
  const app = await newApp(gw);
  const reg = await registered(gw, app);
  const host = new URL(gw.url).host;
  // before: the default application, which does not know this user
  t.is((await app.anon.POST('/tx/init', { body: { username: reg.username, txType: 'raw', txPayload: 'x', nonce: 'n' } })).response.status, 404);
  must(await gw.clients.admin.gateway.PUT('/passkeys/apps/{appId}', { params: { path: { appId: app.id } }, body: { hosts: [host] } }), 'claim host');
  const other = await newApp(gw);
  t.is((await gw.clients.admin.gateway.PUT('/passkeys/apps/{appId}', { params: { path: { appId: other.id } }, body: { hosts: [host.toUpperCase()] } })).response.status, 409);
  must(await app.anon.POST('/tx/init', { body: { username: reg.username, txType: 'raw', txPayload: 'x', nonce: 'n' } }), 'tx/init in the host\'s app');
  must(await gw.clients.admin.gateway.PUT('/passkeys/apps/{appId}', { params: { path: { appId: app.id } }, body: {} }), 'release host');
});
