// The MFA flow (mfa/*) through the generated client, response validation on: every path through
// the state machine (a passkey, a new passkey, a code by e-mail and by SMS, a third-party token,
// a payload update then a transaction), what each answer carries (tokens of the core for the
// application's issuer, the payload signature, device and passkey), discovery by trust ID, and
// the refresh of the tokens at mfa/token with openid-client.
import test from 'ava';
import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/passkeys/schema.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { claimsOf, done, DEVICE, jwtClient, must, originOf, registered, SoftwareAuthenticator } from './_helpers.ts';
import { actionOf, begin, hostApp, lastCode, optionsOf, relyingParty, releaseHost, sessionClient, verifyPayloadSignature, type HostApp } from './_mfa.ts';
import { assertionResultOf, creationResultOf } from './_helpers.ts';

type S = components['schemas'];
type RequestOptions = S['PublicKeyCredentialRequestOptions'];
type CreationOptions = S['PublicKeyCredentialCreationOptions'];

let gw: TestGateway;
let app: HostApp;
test.before(async () => {
  gw = await startTestGateway({ GATEWAY_OUTBOX: '1' });
  app = await hostApp(gw, gw.url);
});
test.after.always(() => gw?.stop());

const username = () => `mfa-${randomUUID().slice(0, 8)}@example.test`;

function checkMfa(t: { is: (a: unknown, b: unknown, m?: string) => void; truthy: (a: unknown, m?: string) => void }, mfa: S['Mfa'], userId: string) {
  t.is(claimsOf(mfa.idToken).sub, userId);
  t.is(claimsOf(mfa.idToken).aud, app.id, 'the ID token is for the application');
  t.is(claimsOf(mfa.idToken).iss, `${gw.config.publicUrl}/fido2/v2`);
  t.is(claimsOf(mfa.accessToken).sub, userId);
  t.is(claimsOf(mfa.accessToken).tid, app.id);
  t.truthy(mfa.refreshToken);
  t.truthy(mfa.deviceId);
}

test('passkey: a user with a passkey used on this device is offered it first, signs in, and gets the core\'s tokens for the application', async (t) => {
  const reg = await registered(gw, app, new SoftwareAuthenticator(), username());
  const next = must(await begin(app, reg.username, { deviceInfo: { ...DEVICE, deviceId: reg.deviceId } }), 'begin');
  t.is(next.flow, 'signIn');
  t.is(next.msgCode, 'additional_auth_required');
  t.is(next.next?.[0]?.action.name, 'passkey', 'the passkey of this device first');
  t.deepEqual(next.next?.map((a) => a.action.name), ['passkey', 'otp:email', 'external']);
  t.is(actionOf(next, 'otp:email').options?.[0]?.label, `m***${reg.username.slice(reg.username.indexOf('@') - 1)}`, 'masked address');
  t.false(JSON.stringify(next).includes(reg.username), 'the address is never shown in full');
  const options = optionsOf<RequestOptions>(next, 'passkey');
  t.deepEqual(options.allowCredentials?.map((c) => c.id).length, 1);
  const assertion = reg.authenticator.login(options, { origin: originOf(gw) });
  const mfa = must(await sessionClient(app.baseUrl, next.session!).POST('/mfa/passkey/auth', { body: { assertionResult: assertionResultOf(assertion) } }), 'passkey/auth');
  t.is(mfa.flow, 'signIn');
  checkMfa(t, mfa, reg.userId);
  t.is(mfa.deviceId, reg.deviceId);
  t.is(mfa.passkeyInfo?.id, reg.passkeyId);
  t.is(mfa.payload, '');
  t.deepEqual(claimsOf(mfa.idToken).amr, ['hwk', 'user', 'mfa']);
  // The access token is a JWT of this API with the self-service grants: it lists the user's passkeys.
  const list = must(await jwtClient(gw, mfa.accessToken).GET('/passkeys'), 'passkeys with the MFA access token');
  t.is(list[0]?.id, reg.passkeyId);
  // openid-client validates the ID token against the application's JWKS.
  const claims = await relyingParty(gw, app.id).validate(mfa);
  t.is(claims?.sub, reg.userId);
});

test('new passkey: an unknown username is a sign-up; the new passkey creates the user and signs it in', async (t) => {
  const name = username();
  const next = must(await begin(app, name, { user: { username: name, usernameType: 'email', displayName: 'New Person' } }), 'begin');
  t.is(next.flow, 'signUp');
  t.deepEqual(next.next?.map((a) => a.action.name), ['passkey:reg']);
  const options = optionsOf<CreationOptions>(next, 'passkey:reg');
  t.is(options.user.name, name);
  t.is(options.user.displayName, 'New Person');
  const authenticator = new SoftwareAuthenticator();
  const credential = authenticator.register(options, { origin: originOf(gw) });
  const mfa = must(await sessionClient(app.baseUrl, next.session!).POST('/mfa/passkey/reg', { body: { creationResult: creationResultOf(credential) } }), 'passkey/reg');
  t.is(mfa.flow, 'signUp');
  const user = must(await app.mgmt.GET('/mgmt/user', { params: { query: { username: name } } }), 'user created');
  checkMfa(t, mfa, user.user.userId);
  t.is(mfa.passkeyInfo?.id, user.passkeys[0]?.passkeyId);
  // The user signs in with it, now offered the passkey of this device first.
  const again = must(await begin(app, name, { deviceInfo: { ...DEVICE, deviceId: mfa.deviceId! } }), 'begin again');
  t.is(again.flow, 'signIn');
  t.is(again.next?.[0]?.action.name, 'passkey');
});

test('OTP by e-mail: the code goes to the offered address, the next session string verifies it', async (t) => {
  const reg = await registered(gw, app, new SoftwareAuthenticator(), username());
  const next = must(await begin(app, reg.username), 'begin');
  t.deepEqual(next.next?.map((a) => a.action.name), ['otp:email', 'passkey', 'external'], 'codes first on a device the passkey was not used on');
  const option = actionOf(next, 'otp:email').options![0]!;
  const sent = must(await sessionClient(app.baseUrl, next.session!).POST('/mfa/otp/request', { body: { method: 'email', option: option.value } }), 'otp/request');
  t.not(sent.session, next.session, 'a new session string for the next step');
  const mfa = must(await sessionClient(app.baseUrl, sent.session).POST('/mfa/otp/verify', { body: { otp: await lastCode(gw, reg.username) } }), 'otp/verify');
  checkMfa(t, mfa, reg.userId);
  t.is(mfa.passkeyInfo, undefined);
  t.deepEqual(claimsOf(mfa.idToken).amr, ['otp']);
});

test('OTP by SMS: the phone of the profile (never one from the request), chosen by option id or by the number', async (t) => {
  const reg = await registered(gw, app, new SoftwareAuthenticator(), username());
  done(await app.mgmt.POST('/profile/{id}/phone', { params: { path: { id: reg.userId } }, body: { phoneNumber: '+442079460123', messagingConsent: true, requestVerification: false } }), 'phone');
  const next = must(await begin(app, reg.username, { user: { username: reg.username, usernameType: 'email', phone: '+15550000000' } }), 'begin');
  const sms = actionOf(next, 'otp:sms');
  t.deepEqual(sms.options?.map((o) => o.label), ['+********0123']);
  const sent = must(await sessionClient(app.baseUrl, next.session!).POST('/mfa/otp/request', { body: { method: 'sms', option: '+442079460123' } }), 'otp/request by number');
  const mfa = must(await sessionClient(app.baseUrl, sent.session).POST('/mfa/otp/verify', { body: { otp: await lastCode(gw, '+442079460123') } }), 'otp/verify');
  checkMfa(t, mfa, reg.userId);
  t.deepEqual(claimsOf(mfa.idToken).amr, ['otp', 'sms']);
  const outbox = must(await gw.clients.admin.gateway.GET('/outbox', { params: { query: { to: '+15550000000', limit: 5 } } }), 'outbox');
  t.is(outbox.messages.length, 0, 'the number in the request got nothing');
});

test('the operator\'s policy: without codes and third-party tokens, only the passkey is offered; a bad lifetime is refused', async (t) => {
  const strict = await hostApp(gw, gw.url.replace('127.0.0.1', 'localhost'), { otpEmail: false, otpSms: false, external: false });
  try {
    const reg = await registered(gw, strict, new SoftwareAuthenticator(), username());
    const next = must(await begin(strict, reg.username), 'begin');
    t.deepEqual(next.next?.map((a) => a.action.name), ['passkey']);
    const bad = await gw.clients.admin.gateway.PUT('/passkeys/apps/{appId}', { params: { path: { appId: strict.id } }, body: { mfa: { sessionTtlSeconds: 5 } } });
    t.is(bad.response.status, 400);
  } finally {
    await releaseHost(gw, strict);
  }
});

test('third-party token: the application\'s backend vouches for the user with mgmt/grant/external-auth', async (t) => {
  const reg = await registered(gw, app, new SoftwareAuthenticator(), username());
  const next = must(await begin(app, reg.username), 'begin');
  actionOf(next, 'external');
  const { token } = must(await app.mgmt.POST('/mgmt/grant/external-auth', { body: { username: reg.username } }), 'external-auth');
  const mfa = must(await sessionClient(app.baseUrl, next.session!).POST('/mfa/third-party/verify', { body: { token } }), 'third-party/verify');
  checkMfa(t, mfa, reg.userId);
});

test('payload update then transaction: the passkey signs over the updated payload, which the answer carries signed', async (t) => {
  const reg = await registered(gw, app, new SoftwareAuthenticator(), username());
  const first = must(await begin(app, reg.username, { payload: 'pay 10 EUR to Alice' }), 'begin');
  t.regex(actionOf(first, 'passkey').action.desc ?? '', /passkey\/tx/);
  const updated = must(await sessionClient(app.baseUrl, first.session!).POST('/mfa/payload', { body: { payload: 'pay 12 EUR to Alice' } }), 'payload');
  t.not(optionsOf<RequestOptions>(updated, 'passkey').challenge, optionsOf<RequestOptions>(first, 'passkey').challenge, 'new options for the new payload');
  const assertion = reg.authenticator.login(optionsOf<RequestOptions>(updated, 'passkey'), { origin: originOf(gw) });
  const mfa = must(await sessionClient(app.baseUrl, updated.session!).POST('/mfa/passkey/tx', { body: { assertionResult: assertionResultOf(assertion) } }), 'passkey/tx');
  t.is(mfa.payload, 'pay 12 EUR to Alice');
  const signed = await verifyPayloadSignature(gw, app.id, mfa);
  t.is(signed.payload, 'pay 12 EUR to Alice');
  t.is(signed.sub, reg.userId);
  t.is(signed.pid, reg.passkeyId);
  checkMfa(t, mfa, reg.userId);
});

test('a code flow confirms a payload too: the signature is over the payload kept since begin', async (t) => {
  const reg = await registered(gw, app, new SoftwareAuthenticator(), username());
  const next = must(await begin(app, reg.username, { payload: 'ak4BXFgauyDtsRvnXWfaTW1DyetX7fTViGY9DRQGQ+g=' }), 'begin');
  const sent = must(await sessionClient(app.baseUrl, next.session!).POST('/mfa/otp/request', { body: { method: 'email' } }), 'otp/request');
  const mfa = must(await sessionClient(app.baseUrl, sent.session).POST('/mfa/otp/verify', { body: { otp: await lastCode(gw, reg.username) } }), 'otp/verify');
  t.is((await verifyPayloadSignature(gw, app.id, mfa)).payload, 'ak4BXFgauyDtsRvnXWfaTW1DyetX7fTViGY9DRQGQ+g=');
});

test('discover: a device that signed a user in is a known trust ID; begin takes it as the device', async (t) => {
  const reg = await registered(gw, app, new SoftwareAuthenticator(), username());
  done(await app.host.POST('/mfa/discover', { body: { trustItems: { auth: reg.deviceId } } }), 'known device');
  t.is((await app.host.POST('/mfa/discover', { body: { trustItems: { auth: randomUUID(), wallet: 'w' } } })).response.status, 404);
  t.is((await app.host.POST('/mfa/discover', { body: { trustItems: {} } })).response.status, 400);
  const next = must(await begin(app, reg.username, { deviceInfo: { clientType: 'browser' } as S['DeviceInfo'], trustItems: { auth: reg.deviceId } }), 'begin');
  t.is(next.next?.[0]?.action.name, 'passkey', 'the trusted device is the one the passkey was made on');
});

test('refresh: mfa/token rotates the refresh token; reuse revokes the family; openid-client validates every ID token', async (t) => {
  const reg = await registered(gw, app, new SoftwareAuthenticator(), username());
  const next = must(await begin(app, reg.username), 'begin');
  const { token } = must(await app.mgmt.POST('/mgmt/grant/external-auth', { body: { username: reg.username } }), 'external-auth');
  const mfa = must(await sessionClient(app.baseUrl, next.session!).POST('/mfa/third-party/verify', { body: { token } }), 'third-party/verify');

  // Through the generated client: the RFC 6749 form, a new token pair.
  const first = must(await app.host.POST('/mfa/token', { body: { grant_type: 'refresh_token', refresh_token: mfa.refreshToken, client_id: app.id } }), 'refresh');
  t.not(first.refresh_token, mfa.refreshToken);
  t.is(claimsOf(first.id_token!).sub, reg.userId);
  // openid-client: rotation again, the ID token validated against the JWKS.
  const rp = relyingParty(gw, app.id);
  const second = await rp.refresh(first.refresh_token!);
  must(await jwtClient(gw, second.access_token).GET('/passkeys'), 'the refreshed access token is a JWT of this API');
  t.is(second.claims()?.sub, reg.userId);
  t.is(second.claims()?.aud, app.id);
  // The first refresh token again: reuse. Refused, and the family is gone: the latest token too.
  const reuse = await app.host.POST('/mfa/token', { body: { grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: app.id } });
  t.is(reuse.response.status, 400);
  t.is((reuse.error as { error?: string }).error, 'invalid_grant');
  const revoked = await t.throwsAsync(rp.refresh(second.refresh_token!));
  t.is((revoked as unknown as { error?: string }).error, 'invalid_grant', 'the latest token of the family is revoked too');
  // The reuse ended the sign-in: its access tokens stop at once, not at their `exp`.
  t.is((await jwtClient(gw, second.access_token).GET('/passkeys')).response.status, 401);
  // Another application's client id cannot redeem it, nor a client that is not an MFA client.
  t.is((await app.host.POST('/mfa/token', { body: { grant_type: 'refresh_token', refresh_token: mfa.refreshToken, client_id: 'default' } })).response.status, 401);
  t.is((await app.host.POST('/mfa/token', { body: { grant_type: 'client_credentials', refresh_token: 'x', client_id: app.id } })).response.status, 400);
});
