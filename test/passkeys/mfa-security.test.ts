// Attacks on the MFA flow: a session of application A used on application B (its host, its
// tokens, its passkeys, its client id), replayed session strings, two completions racing with one
// session, a payload swapped after begin, steps out of order, an expired flow (the identity core's
// clock moved), OTP guessing into the lockout, and a deactivated user at each point of the flow.
// Serial: the expiry test moves the gateway's clock.
import test from 'ava';
import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/passkeys/schema.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { assertionResultOf, done, DEVICE, must, originOf, registered, SoftwareAuthenticator } from './_helpers.ts';
import { DEFAULT_BLOCK_CONFIG } from '../../server/identity/vault/tenant-settings.ts';
import { actionOf, begin, hostApp, lastCode, optionsOf, sessionClient, setPolicy, type HostApp } from './_mfa.ts';

type S = components['schemas'];
type RequestOptions = S['PublicKeyCredentialRequestOptions'];

let gw: TestGateway;
let appA: HostApp;
let appB: HostApp;
let offsetMs = 0;
const USER_ATTEMPTS = 3;

test.before(async () => {
  gw = await startTestGateway({ GATEWAY_OUTBOX: '1' }, { clock: () => new Date(Date.now() + offsetMs) });
  appA = await hostApp(gw, gw.url);
  appB = await hostApp(gw, gw.url.replace('127.0.0.1', 'localhost'));
});
test.after.always(() => gw?.stop());

const username = () => `mfa-${randomUUID().slice(0, 8)}@example.test`;
const externalToken = async (app: HostApp, name: string) => must(await app.mgmt.POST('/mgmt/grant/external-auth', { body: { username: name } }), 'external-auth').token;
const status = (r: { response: Response }) => r.response.status;
const msgCode = (r: { error?: unknown }) => (r.error as { msgCode?: string } | undefined)?.msgCode;

test.serial('a session of application A is refused on B\'s host; B\'s tokens, passkeys and client id do nothing in A\'s flow', async (t) => {
  const a = await registered(gw, appA, new SoftwareAuthenticator(), username());
  const b = await registered(gw, appB, new SoftwareAuthenticator(), a.username); // the same username in B
  const next = must(await begin(appA, a.username), 'begin in A');
  // A's session on B's host
  const onB = await sessionClient(appB.baseUrl, next.session!).POST('/mfa/third-party/verify', { body: { token: await externalToken(appA, a.username) } });
  t.is(status(onB), 401);
  t.is(msgCode(onB), 'unauthorized');
  // B's third-party token for the same username, in A's flow
  const foreign = await sessionClient(appA.baseUrl, next.session!).POST('/mfa/third-party/verify', { body: { token: await externalToken(appB, a.username) } });
  t.is(status(foreign), 400);
  // B's passkey answering A's options
  const assertion = b.authenticator.login({ ...optionsOf<RequestOptions>(next, 'passkey'), allowCredentials: [] }, { origin: originOf(gw) });
  t.is(status(await sessionClient(appA.baseUrl, next.session!).POST('/mfa/passkey/auth', { body: { assertionResult: assertionResultOf(assertion) } })), 400);
  // The flow still works for A, and A's refresh token is not B's.
  const mfa = must(await sessionClient(appA.baseUrl, next.session!).POST('/mfa/third-party/verify', { body: { token: await externalToken(appA, a.username) } }), 'A finishes');
  t.is(mfa.idToken.split('.').length, 3);
  const nextB = must(await begin(appB, b.username), 'a flow in B');
  must(await sessionClient(appB.baseUrl, nextB.session!).POST('/mfa/third-party/verify', { body: { token: await externalToken(appB, b.username) } }), 'B finishes (B has an MFA client now)');
  const crossed = await appB.host.POST('/mfa/token', { body: { grant_type: 'refresh_token', refresh_token: mfa.refreshToken, client_id: appB.id } });
  t.is(status(crossed), 400);
  t.is((crossed.error as { error?: string }).error, 'invalid_grant');
});

test.serial('a replayed session string is refused and counts against the user; the flow goes on with the latest one', async (t) => {
  const reg = await registered(gw, appA, new SoftwareAuthenticator(), username());
  const next = must(await begin(appA, reg.username), 'begin');
  const sent = must(await sessionClient(appA.baseUrl, next.session!).POST('/mfa/otp/request', { body: { method: 'email' } }), 'otp/request');
  const replay = await sessionClient(appA.baseUrl, next.session!).POST('/mfa/otp/request', { body: { method: 'email' } });
  t.is(status(replay), 401);
  t.regex((replay.error as { msg: string }).msg, /already used/);
  const lockout = await gw.services.store.loginLockouts.findOne({ tenantId: appA.id, kind: 'user', userId: reg.userId });
  t.is(lockout?.failures, 1, 'the replay is a failed attempt of the user');
  const mfa = must(await sessionClient(appA.baseUrl, sent.session).POST('/mfa/otp/verify', { body: { otp: await lastCode(gw, reg.username) } }), 'verify');
  t.truthy(mfa.accessToken);
  t.is((await gw.services.store.loginLockouts.findOne({ tenantId: appA.id, kind: 'user', userId: reg.userId }))?.failures ?? 0, 0, 'a finished flow clears the user\'s failures');
  // Finished: the last session string is spent too.
  t.is(status(await sessionClient(appA.baseUrl, sent.session).POST('/mfa/otp/verify', { body: { otp: '000000' } })), 401);
  t.is(status(await sessionClient(appA.baseUrl, 'mfa.' + randomUUID() + '.' + 'A'.repeat(43)).POST('/mfa/otp/verify', { body: { otp: '000000' } })), 401, 'an unknown flow');
  t.is(status(await sessionClient(appA.baseUrl, 'not-a-session-at-all-xxxx').POST('/mfa/otp/verify', { body: { otp: '000000' } })), 401);
});

test.serial('a failed assertion is refused and counted once against the user; the flow is not finished by it', async (t) => {
  const reg = await registered(gw, appA, new SoftwareAuthenticator(), username());
  const next = must(await begin(appA, reg.username), 'begin');
  const forged = reg.authenticator.login(optionsOf<RequestOptions>(next, 'passkey'), { origin: 'https://evil.example' });
  const r = await sessionClient(appA.baseUrl, next.session!).POST('/mfa/passkey/auth', { body: { assertionResult: assertionResultOf(forged) } });
  t.is(status(r), 400);
  t.is(msgCode(r), 'bad_request');
  t.is((await gw.services.store.loginLockouts.findOne({ tenantId: appA.id, kind: 'user', userId: reg.userId }))?.failures, 1);
  t.is((await gw.services.store.loginidMfaSessions.findOne({ username: reg.username }))?.state, 'started');
});

test.serial('two completions racing with one session: exactly one gets tokens', async (t) => {
  const reg = await registered(gw, appA, new SoftwareAuthenticator(), username());
  const next = must(await begin(appA, reg.username), 'begin');
  const token = await externalToken(appA, reg.username);
  const client = sessionClient(appA.baseUrl, next.session!);
  const results = await Promise.all([1, 2, 3].map(() => client.POST('/mfa/third-party/verify', { body: { token } })));
  t.deepEqual(results.map(status).sort(), [200, 401, 401]);
  t.is(await gw.services.store.refreshTokens.countDocuments({ tenantId: appA.id, userId: reg.userId }), 1, 'one token family');

  // The same with codes: one code, two verifications at once.
  const flow2 = must(await begin(appA, reg.username), 'begin 2');
  const sent = must(await sessionClient(appA.baseUrl, flow2.session!).POST('/mfa/otp/request', { body: { method: 'email' } }), 'otp/request');
  const code = await lastCode(gw, reg.username);
  const both = await Promise.all([1, 2].map(() => sessionClient(appA.baseUrl, sent.session).POST('/mfa/otp/verify', { body: { otp: code } })));
  t.is(both.filter((r) => status(r) === 200).length, 1, 'one code, one sign-in');
  t.true(both.every((r) => [200, 400, 401].includes(status(r))));
});

test.serial('a payload swapped after begin: the passkey signed the old one, so nothing finishes with the new one', async (t) => {
  const reg = await registered(gw, appA, new SoftwareAuthenticator(), username());
  const first = must(await begin(appA, reg.username, { payload: 'pay 10 EUR to Alice' }), 'begin');
  const signedOld = reg.authenticator.login(optionsOf<RequestOptions>(first, 'passkey'), { origin: originOf(gw) });
  const swapped = must(await sessionClient(appA.baseUrl, first.session!).POST('/mfa/payload', { body: { payload: 'pay 9999 EUR to Mallory' } }), 'swap');
  // the old assertion with the new session: its challenge commits to the old payload
  t.is(status(await sessionClient(appA.baseUrl, swapped.session!).POST('/mfa/passkey/tx', { body: { assertionResult: assertionResultOf(signedOld) } })), 400);
  // the old assertion with the old session: replay
  t.is(status(await sessionClient(appA.baseUrl, first.session!).POST('/mfa/passkey/tx', { body: { assertionResult: assertionResultOf(signedOld) } })), 401);
  // with a payload, a plain authentication does not finish
  const plain = await sessionClient(appA.baseUrl, swapped.session!).POST('/mfa/passkey/auth', { body: { assertionResult: assertionResultOf(signedOld) } });
  t.is(status(plain), 400);
  t.regex((plain.error as { msg: string }).msg, /payload/);

  // A code sent for the old payload does not confirm the new one.
  const other = await registered(gw, appA, new SoftwareAuthenticator(), username());
  const f = must(await begin(appA, other.username, { payload: 'A' }), 'begin');
  const sent = must(await sessionClient(appA.baseUrl, f.session!).POST('/mfa/otp/request', { body: { method: 'email' } }), 'otp/request');
  const oldCode = await lastCode(gw, other.username);
  const changed = must(await sessionClient(appA.baseUrl, sent.session).POST('/mfa/payload', { body: { payload: 'B' } }), 'payload B');
  t.is(status(await sessionClient(appA.baseUrl, changed.session!).POST('/mfa/otp/verify', { body: { otp: oldCode } })), 400, 'no code requested since the change');
  t.is(await gw.services.store.loginidOtps.countDocuments({ userId: other.userId, purpose: 'mfa' }), 0, 'the old code is withdrawn');
});

test.serial('steps out of order and actions never offered are refused with bad_request', async (t) => {
  const reg = await registered(gw, appA, new SoftwareAuthenticator(), username());
  const next = must(await begin(appA, reg.username), 'begin');
  const c = sessionClient(appA.baseUrl, next.session!);
  const verify = await c.POST('/mfa/otp/verify', { body: { otp: '123456' } });
  t.is(status(verify), 400, 'no code requested');
  t.is(msgCode(verify), 'bad_request');
  t.is(status(await c.POST('/mfa/otp/request', { body: { method: 'sms' } })), 400, 'no phone: sms not offered');
  t.is(status(await c.POST('/mfa/otp/request', { body: { method: 'email', option: 'attacker@example.test' } })), 400, 'an address not offered');
  // (a flow ends after five refused steps: the rest in a second flow)
  const next2 = must(await begin(appA, reg.username), 'begin 2');
  const c2 = sessionClient(appA.baseUrl, next2.session!);
  const reg2 = new SoftwareAuthenticator().register({ challenge: 'AAAA', rp: { id: '127.0.0.1' }, user: { id: 'AAAA' } }, { origin: originOf(gw) });
  t.is(status(await c2.POST('/mfa/passkey/reg', { body: { creationResult: { credentialId: reg2.id, clientDataJSON: reg2.response.clientDataJSON, attestationObject: reg2.response.attestationObject } } })), 400, 'no new passkey for an existing user');
  const assertion = reg.authenticator.login(optionsOf<RequestOptions>(next2, 'passkey'), { origin: originOf(gw) });
  t.is(status(await c2.POST('/mfa/passkey/tx', { body: { assertionResult: assertionResultOf(assertion) } })), 400, 'no payload to confirm');
  // the session string is still the current one: the right step works
  must(await c2.POST('/mfa/passkey/auth', { body: { assertionResult: assertionResultOf(assertion) } }), 'passkey/auth');
  // a sign-up offers nothing but the new passkey
  const signUp = must(await begin(appA, username()), 'sign-up');
  t.is(status(await sessionClient(appA.baseUrl, signUp.session!).POST('/mfa/otp/request', { body: { method: 'email' } })), 400);
  t.is(status(await sessionClient(appA.baseUrl, signUp.session!).POST('/mfa/third-party/verify', { body: { token: await externalToken(appA, reg.username) } })), 400);
});

test.serial('an expired flow is refused (the core\'s clock moved past its lifetime)', async (t) => {
  const reg = await registered(gw, appA, new SoftwareAuthenticator(), username());
  const next = must(await begin(appA, reg.username), 'begin');
  const token = await externalToken(appA, reg.username);
  offsetMs = 301_000;
  try {
    const late = await sessionClient(appA.baseUrl, next.session!).POST('/mfa/third-party/verify', { body: { token } });
    t.is(status(late), 401);
    t.is(msgCode(late), 'unauthorized');
  } finally {
    offsetMs = 0;
  }
  // a policy's shorter lifetime applies
  await setPolicy(gw, appA, { sessionTtlSeconds: 60 });
  try {
    const short = must(await begin(appA, reg.username), 'begin');
    offsetMs = 61_000;
    t.is(status(await sessionClient(appA.baseUrl, short.session!).POST('/mfa/otp/request', { body: { method: 'email' } })), 401);
  } finally {
    offsetMs = 0;
    await setPolicy(gw, appA, {});
  }
});

test.serial('guessing codes runs into the lockout: after the limit even the right code gets 429', async (t) => {
  const blockConfig = { ...DEFAULT_BLOCK_CONFIG, ip_attempts_limit: 10_000, user_attempts_limit: USER_ATTEMPTS };
  await gw.services.identity.tenants.update(appA.id, { settings: { vault: { passkey_enabled: true, block_config: blockConfig } } });
  t.teardown(() => gw.services.identity.tenants.update(appA.id, { settings: { vault: { passkey_enabled: true, block_config: { ...blockConfig, user_attempts_limit: 10_000 } } } }));
  const reg = await registered(gw, appA, new SoftwareAuthenticator(), username());
  const next = must(await begin(appA, reg.username), 'begin');
  const sent = must(await sessionClient(appA.baseUrl, next.session!).POST('/mfa/otp/request', { body: { method: 'email' } }), 'otp/request');
  const code = await lastCode(gw, reg.username);
  const c = sessionClient(appA.baseUrl, sent.session);
  const wrong = code === '000000' ? '111111' : '000000';
  for (let i = 0; i < USER_ATTEMPTS; i++) {
    const r = await c.POST('/mfa/otp/verify', { body: { otp: wrong } });
    t.is(status(r), 400, `guess ${i + 1}`);
  }
  const blocked = await c.POST('/mfa/otp/verify', { body: { otp: code } });
  t.is(status(blocked), 429);
  t.is(msgCode(blocked), 'too_many_requests');
  t.truthy(blocked.response.headers.get('retry-after'));
  // a new flow for the same user is blocked too
  t.is(status(await sessionClient(appA.baseUrl, must(await begin(appA, reg.username), 'begin').session!).POST('/mfa/third-party/verify', { body: { token: await externalToken(appA, reg.username) } })), 429);
});

test.serial('a deactivated user: no flow begins, a running flow stops, and its tokens no longer refresh', async (t) => {
  const reg = await registered(gw, appA, new SoftwareAuthenticator(), username());
  const running = must(await begin(appA, reg.username), 'begin');
  const done1 = must(await begin(appA, reg.username), 'begin 2');
  const mfa = must(await sessionClient(appA.baseUrl, done1.session!).POST('/mfa/third-party/verify', { body: { token: await externalToken(appA, reg.username) } }), 'finished before');
  done(await appA.mgmt.POST('/mgmt/user/{userId}/deactivate', { params: { path: { userId: reg.userId } } }), 'deactivate');
  const refused = await begin(appA, reg.username);
  t.is(status(refused), 403);
  t.is(msgCode(refused), 'forbidden');
  t.is(status(await sessionClient(appA.baseUrl, running.session!).POST('/mfa/otp/request', { body: { method: 'email' } })), 403);
  const refresh = await appA.host.POST('/mfa/token', { body: { grant_type: 'refresh_token', refresh_token: mfa.refreshToken, client_id: appA.id } });
  t.is(status(refresh), 400);
  t.is((refresh.error as { error?: string }).error, 'invalid_grant');
});

test.serial('begin: a username is required; an unknown one without sign-up is 404; a user the operator\'s policy leaves no way for is 403', async (t) => {
  const noUser = await appA.host.POST('/mfa/begin', { params: { header: { 'User-Agent': 'x' } }, body: { deviceInfo: DEVICE } });
  t.is(status(noUser), 400);
  const strict = await setPolicy(gw, appA, { signUp: false, passkey: false, otpEmail: false, otpSms: false, external: false });
  t.deepEqual(strict.mfa, { signUp: false, passkey: false, otpEmail: false, otpSms: false, external: false, sessionTtlSeconds: 300 }, 'the operator sees the policy in force');
  try {
    t.is(status(await begin(appA, username())), 404);
    const reg = await registered(gw, appA, new SoftwareAuthenticator(), username());
    t.is(status(await begin(appA, reg.username)), 403);
  } finally {
    await setPolicy(gw, appA, {});
  }
  const capable = must(await begin(appA, username()), 'sign-up allowed again');
  t.is(actionOf(capable, 'passkey:reg').action.name, 'passkey:reg');
});
