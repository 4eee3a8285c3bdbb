// Management, passkeys and grants of the Passkeys API through the generated client (response
// validation on), and the isolation between applications: another app's users, passkeys, devices
// and grants through every management route family, one app's JWT on another, keys and tokens
// below the scopes an operation needs.
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { claimsOf, done, jwtClient, keyClient, must, newApp, registered, signIn, SoftwareAuthenticator } from './_helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

const GOOGLE_PM = 'ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4';

test('passkeys of the signed-in user: list, rename, delete, AAGUID name; the SDK\'s raw token works too', async (t) => {
  const app = await newApp(gw);
  const reg = await registered(gw, app, new SoftwareAuthenticator({ aaguid: new Uint8Array(Buffer.from(GOOGLE_PM.replace(/-/g, ''), 'hex')) }));
  const me = jwtClient(gw, reg.jwtAccess);
  const [pk] = must(await me.GET('/passkeys'), 'list');
  t.is(pk?.id, reg.passkeyId);
  t.is(pk?.aaguid, GOOGLE_PM);
  t.is(pk?.providerName, 'Google Password Manager');
  t.is(pk?.lastUsedFrom?.deviceId, reg.deviceId);
  done(await me.PUT('/passkeys/{id}', { params: { path: { id: pk!.id } }, body: { name: 'My phone' } }), 'rename');
  const raw = await fetch(`${gw.url}/fido2/v2/passkeys`, { headers: { authorization: reg.jwtAccess } });
  t.is(raw.status, 200);
  t.is(((await raw.json()) as { name: string }[])[0]?.name, 'My phone');
  const meta = must(await me.GET('/passkeys/aaguid/{aaguid}', { params: { path: { aaguid: GOOGLE_PM } } }), 'aaguid');
  t.deepEqual(meta, { id: GOOGLE_PM, name: 'Google Password Manager' });
  t.is((await me.GET('/passkeys/aaguid/{aaguid}', { params: { path: { aaguid: '00000000-0000-0000-0000-000000000001' } } })).response.status, 404);
  t.is((await me.PUT('/passkeys/{id}', { params: { path: { id: pk!.id } }, body: { name: ' ' } })).response.status, 400);
  done(await me.DELETE('/passkeys/{id}', { params: { path: { id: pk!.id } } }), 'delete');
  t.deepEqual(must(await me.GET('/passkeys'), 'list after delete'), []);
  t.is((await signIn(gw, app, reg.authenticator, reg.username)).response.status, 400);
});

test('another user\'s passkey reads as absent; tokens below passkey:read / passkey:write are refused', async (t) => {
  const app = await newApp(gw);
  const a = await registered(gw, app);
  const b = await registered(gw, app);
  const asB = jwtClient(gw, b.jwtAccess);
  t.is((await asB.PUT('/passkeys/{id}', { params: { path: { id: a.passkeyId! } }, body: { name: 'mine now' } })).response.status, 404);
  t.is((await asB.DELETE('/passkeys/{id}', { params: { path: { id: a.passkeyId! } } })).response.status, 404);
  const readOnly = must(await app.mgmt.POST('/mgmt/grant', { body: { grants: ['passkey:read'], username: a.username } }), 'grant').token;
  const ro = jwtClient(gw, readOnly);
  t.is(must(await ro.GET('/passkeys'), 'list').length, 1);
  const refused = await ro.DELETE('/passkeys/{id}', { params: { path: { id: a.passkeyId! } } });
  t.is(refused.response.status, 403);
  t.is((refused.error as { msgCode: string }).msgCode, 'forbidden');
  t.is((await ro.POST('/auth/otp')).response.status, 403);
  const none = await app.anon.GET('/passkeys');
  t.is(none.response.status, 401);
  t.is((await jwtClient(gw, 'not.a.jwt').GET('/passkeys')).response.status, 401);
});

test('management: grant (self:write expands), token verify, user by username, device users, passkey get and rename, delete', async (t) => {
  const app = await newApp(gw);
  const reg = await registered(gw, app);
  const grant = must(await app.mgmt.POST('/mgmt/grant', { body: { grants: ['self:write'], username: reg.username } }), 'grant');
  const claims = claimsOf(grant.token);
  t.is(claims.sub, reg.userId);
  t.deepEqual(String(claims.scope).split(' ').sort(), ['auth:write', 'passkey:read', 'passkey:write', 'reg:write']);
  done(await app.mgmt.POST('/mgmt/token/verify', { body: { jwtAccess: reg.jwtAccess } }), 'verify');
  t.is((await app.mgmt.POST('/mgmt/token/verify', { body: { jwtAccess: `${reg.jwtAccess}x` } })).response.status, 401);

  const lookup = must(await app.mgmt.GET('/mgmt/user', { params: { query: { username: reg.username } } }), 'user');
  t.is(lookup.user.userId, reg.userId);
  t.deepEqual(lookup.user.usernames, [{ username: reg.username, usernameType: 'email' }]);
  t.is(lookup.passkeys[0]?.passkeyId, reg.passkeyId);
  t.is(lookup.devices[0]?.deviceId, reg.deviceId);
  const device = must(await app.mgmt.GET('/mgmt/device/{deviceId}', { params: { path: { deviceId: reg.deviceId! } } }), 'device');
  t.deepEqual(device.users.map((u) => u.userId), [reg.userId]);
  t.is(device.deviceInfo.clientName, 'Chrome');
  const pk = must(await app.mgmt.GET('/mgmt/passkey/{passkeyId}', { params: { path: { passkeyId: reg.passkeyId! } } }), 'passkey');
  t.is(pk.user.userId, reg.userId);
  t.is(pk.passkeyInfo.createdFromDeviceId, reg.deviceId);
  done(await app.mgmt.PUT('/mgmt/passkey/{passkeyId}', { params: { path: { passkeyId: reg.passkeyId! } }, body: { passkeyName: 'Renamed' } }), 'rename');
  t.is(must(await app.mgmt.GET('/mgmt/passkey/{passkeyId}', { params: { path: { passkeyId: reg.passkeyId! } } }), 'passkey').passkeyInfo.name, 'Renamed');
  const ext = must(await app.mgmt.POST('/mgmt/grant/external-auth', { body: { username: reg.username } }), 'external');
  t.is(claimsOf(ext.token).ext, true);
  t.is(claimsOf(ext.token).scope, '');

  const discover = must(await app.mgmt.POST('/mgmt/discover', { body: { user: { username: reg.username, usernameType: 'email' }, userAgent: 'ava', securityKey: false } }), 'discover');
  t.is(discover.matchResult, 'PasskeyFound');
  t.truthy(discover.authRequestOptions?.allowCredentials?.length);
  const fresh = must(await app.mgmt.POST('/mgmt/discover', { body: { user: { username: 'new@example.test', usernameType: 'email' }, userAgent: 'ava', securityKey: false } }), 'discover new');
  t.is(fresh.matchResult, 'UserNotFound');
  t.truthy(fresh.regRequestOptions);

  done(await app.mgmt.DELETE('/mgmt/user/{userId}', { params: { path: { userId: reg.userId } } }), 'delete');
  t.is((await app.mgmt.GET('/mgmt/user', { params: { query: { username: reg.username } } })).response.status, 404);
  t.is((await jwtClient(gw, reg.jwtAccess).GET('/passkeys')).response.status, 401);
  t.is(await gw.services.store.passkeyCredentials.countDocuments({ userId: reg.userId }), 0);
  t.is((await app.mgmt.GET('/mgmt/device/{deviceId}', { params: { path: { deviceId: reg.deviceId! } } })).data?.users.length, 0);
});

test('isolation: app B\'s key reaches none of app A\'s users, passkeys, devices or grants; A\'s JWT does nothing in B', async (t) => {
  const a = await newApp(gw);
  const b = await newApp(gw);
  const victim = await registered(gw, a);
  const bKey = b.mgmt;
  const p = (r: { response: Response }) => r.response.status;
  // users
  t.is(p(await bKey.GET('/mgmt/user', { params: { query: { username: victim.username } } })), 404);
  t.is(p(await bKey.DELETE('/mgmt/user/{userId}', { params: { path: { userId: victim.userId } } })), 404);
  t.is(p(await bKey.POST('/mgmt/user/{userId}/deactivate', { params: { path: { userId: victim.userId } } })), 404);
  t.is(p(await bKey.POST('/mgmt/user/{userId}/activate', { params: { path: { userId: victim.userId } } })), 404);
  t.is(p(await bKey.DELETE('/profile/{id}', { params: { path: { id: victim.userId } } })), 404);
  t.is(p(await bKey.POST('/profile/{id}/email', { params: { path: { id: victim.userId } }, body: { email: 'x@evil.example', requestVerification: false } })), 404);
  t.is(p(await bKey.POST('/profile/{id}/phone', { params: { path: { id: victim.userId } }, body: { phoneNumber: '+14155550123', messagingConsent: false, requestVerification: false } })), 404);
  t.is(p(await bKey.DELETE('/profile/{id}/phone', { params: { path: { id: victim.userId } } })), 404);
  t.is(p(await bKey.DELETE('/profile/{id}/email', { params: { path: { id: victim.userId } }, body: { email: victim.username } })), 404);
  // passkeys
  t.is(p(await bKey.GET('/mgmt/passkey/{passkeyId}', { params: { path: { passkeyId: victim.passkeyId! } } })), 404);
  t.is(p(await bKey.PUT('/mgmt/passkey/{passkeyId}', { params: { path: { passkeyId: victim.passkeyId! } }, body: { passkeyName: 'pwned' } })), 404);
  // devices
  t.is(p(await bKey.GET('/mgmt/device/{deviceId}', { params: { path: { deviceId: victim.deviceId! } } })), 404);
  // grants and tokens
  t.is(p(await bKey.POST('/mgmt/grant', { body: { grants: ['passkey:write'], username: victim.username } })), 404);
  t.is(p(await bKey.POST('/mgmt/grant/external-auth', { body: { username: victim.username } })), 404);
  t.is(p(await bKey.POST('/mgmt/token/verify', { body: { jwtAccess: victim.jwtAccess } })), 401);
  t.is(p(await bKey.POST('/mgmt/discover', { body: { user: { username: victim.username, usernameType: 'email' }, userAgent: 'ava', securityKey: false } })), 200);
  t.is((await gw.services.identity.users.getByUsername(b.id, victim.username)), null, 'discover in B names B\'s users only');
  // blacklists are per application
  const aaguid = '11111111-2222-3333-4444-555555555555';
  done(await bKey.POST('/mgmt/aaguid/blacklist', { body: { items: [{ aaguid, reg: true, auth: true }] } }), 'B blocks');
  t.deepEqual(must(await a.mgmt.GET('/mgmt/aaguid/blacklist'), 'A list'), []);
  // A's JWT used with B's application id
  const asVictim = jwtClient(gw, victim.jwtAccess);
  const cross = await asVictim.POST('/reg/init', { body: { app: { id: b.id }, deviceInfo: {} as never, user: { username: victim.username, usernameType: 'email' } } });
  t.is(cross.response.status, 403);
  // A's JWT lists A's passkeys only, whatever the request says
  t.is(must(await asVictim.GET('/passkeys'), 'list').length, 1);
  // nothing of A changed
  const still = must(await a.mgmt.GET('/mgmt/passkey/{passkeyId}', { params: { path: { passkeyId: victim.passkeyId! } } }), 'A passkey');
  t.not(still.passkeyInfo.name, 'pwned');
  t.is((await gw.services.identity.users.get(a.id, victim.userId))?.disabled, false);
});

test('scopes: keys hold LoginID scopes through the core\'s (users:read, passkeys:write ...); below them 403; a key mints no more than it may', async (t) => {
  const app = await newApp(gw);
  const reg = await registered(gw, app);
  const readUsers = keyClient(gw, (await gw.createApiKey(app.id, ['users:read'])).value);
  t.is(must(await readUsers.GET('/mgmt/user', { params: { query: { username: reg.username } } }), 'user:read via users:read').user.userId, reg.userId);
  const r1 = await readUsers.POST('/mgmt/user/{userId}/deactivate', { params: { path: { userId: reg.userId } } });
  t.is(r1.response.status, 403);
  t.is((r1.error as { msgCode: string }).msgCode, 'forbidden');
  t.is((await readUsers.PUT('/mgmt/passkey/{passkeyId}', { params: { path: { passkeyId: reg.passkeyId! } }, body: { passkeyName: 'x' } })).response.status, 403);
  t.is((await readUsers.POST('/mgmt/grant', { body: { grants: ['passkey:write'], username: reg.username } })).response.status, 403);
  t.is((await readUsers.POST('/mgmt/grant', { body: { grants: ['self:write'], username: reg.username } })).response.status, 403);
  t.is((await readUsers.POST('/mgmt/grant/external-auth', { body: { username: reg.username } })).response.status, 403);
  const loginidNamed = keyClient(gw, (await gw.createApiKey(app.id, ['passkey:write'])).value);
  done(await loginidNamed.PUT('/mgmt/passkey/{passkeyId}', { params: { path: { passkeyId: reg.passkeyId! } }, body: { passkeyName: 'ok' } }), 'passkey:write');
  t.is((await keyClient(gw, 'nope').GET('/mgmt/aaguid/blacklist')).response.status, 401);
  t.is((await app.anon.GET('/mgmt/aaguid/blacklist')).response.status, 401);
  t.is((await app.mgmt.GET('/mgmt/aaguid/{aaguid}', { params: { path: { aaguid: 'not-a-uuid' } } })).response.status, 400);
  t.is(must(await app.mgmt.GET('/mgmt/aaguid/{aaguid}', { params: { path: { aaguid: 'EA9B8D66-4D01-1D21-3CE4-B6B48CB575D4' } } }), 'aaguid').name, 'Google Password Manager');
});
