// The MFA state machine (identity/loginid/mfa-flow.ts) and policy (mfa-policy.ts), pure: every
// transition from every state, and which actions the policy offers to whom on which device.
import test from 'ava';
import { allowedSteps, transition, type MfaOffered, type MfaState, type MfaStep } from '../../server/identity/loginid/mfa-flow.ts';
import { DEFAULT_MFA_POLICY, deviceCanWebauthn, maskEmail, maskPhone, mfaOffer, mfaPolicyOf } from '../../server/identity/loginid/mfa-policy.ts';

const ALL: MfaOffered = { passkey: true, passkeyReg: true, otpEmail: true, otpSms: true, external: true };
const NONE: MfaOffered = { passkey: false, passkeyReg: false, otpEmail: false, otpSms: false, external: false };
const STEPS: MfaStep[] = ['payload', 'otp.request', 'otp.verify', 'passkey.auth', 'passkey.tx', 'passkey.reg', 'external'];

test('a finished flow takes no step at all', (t) => {
  for (const step of STEPS) {
    const r = transition('done', step, { offered: ALL, hasPayload: true, channel: 'email' });
    t.false(r.ok, step);
  }
  t.deepEqual(allowedSteps('done', { offered: ALL, hasPayload: false }), []);
});

test('started: every offered action; finishing steps lead to done, the others do not finish', (t) => {
  const f = { offered: ALL, hasPayload: false };
  t.deepEqual(transition('started', 'payload', f), { ok: true, next: 'started', finishes: false });
  t.deepEqual(transition('started', 'otp.request', { ...f, channel: 'email' }), { ok: true, next: 'otp_sent', finishes: false });
  t.deepEqual(transition('started', 'otp.request', { ...f, channel: 'sms' }), { ok: true, next: 'otp_sent', finishes: false });
  for (const step of ['passkey.auth', 'passkey.reg', 'external'] as const) t.deepEqual(transition('started', step, f), { ok: true, next: 'done', finishes: true }, step);
  t.false(transition('started', 'otp.verify', f).ok, 'no code was sent');
  t.false(transition('started', 'otp.request', f).ok, 'a channel is required');
});

test('otp_sent: the code finishes; another code may be sent; the payload change goes back to started', (t) => {
  const f = { offered: ALL, hasPayload: false };
  t.deepEqual(transition('otp_sent', 'otp.verify', f), { ok: true, next: 'done', finishes: true });
  t.deepEqual(transition('otp_sent', 'otp.request', { ...f, channel: 'sms' }), { ok: true, next: 'otp_sent', finishes: false });
  t.deepEqual(transition('otp_sent', 'payload', f), { ok: true, next: 'started', finishes: false });
  t.true(transition('otp_sent', 'passkey.auth', f).ok, 'the user may still pick the passkey');
});

test('a payload decides between passkey/auth and passkey/tx', (t) => {
  for (const state of ['started', 'otp_sent'] as MfaState[]) {
    t.false(transition(state, 'passkey.auth', { offered: ALL, hasPayload: true }).ok);
    t.true(transition(state, 'passkey.tx', { offered: ALL, hasPayload: true }).ok);
    t.true(transition(state, 'passkey.auth', { offered: ALL, hasPayload: false }).ok);
    t.false(transition(state, 'passkey.tx', { offered: ALL, hasPayload: false }).ok);
  }
});

test('an action that was not offered is refused from every state', (t) => {
  for (const state of ['started', 'otp_sent'] as MfaState[]) {
    for (const step of ['passkey.auth', 'passkey.tx', 'passkey.reg', 'external'] as const) {
      t.false(transition(state, step, { offered: NONE, hasPayload: step === 'passkey.tx' }).ok, `${state} ${step}`);
    }
    t.false(transition(state, 'otp.request', { offered: { ...NONE, otpSms: true }, hasPayload: false, channel: 'email' }).ok);
    t.true(transition(state, 'otp.request', { offered: { ...NONE, otpSms: true }, hasPayload: false, channel: 'sms' }).ok);
  }
  t.deepEqual(allowedSteps('started', { offered: NONE, hasPayload: false }), ['payload']);
  t.deepEqual(allowedSteps('otp_sent', { offered: NONE, hasPayload: false }), ['payload', 'otp.verify']);
});

const user = (over: Partial<{ email: string | null; phone: string | null; passkeyCount: number; passkeyOnDevice: boolean }> = {}) => ({
  email: 'jane.doe@example.com',
  phone: '+15551234567',
  passkeyCount: 1,
  passkeyOnDevice: false,
  ...over,
});

test('policy: a known user gets codes first, then the passkey, then the third-party token; a passkey used here comes first', (t) => {
  t.deepEqual(mfaOffer(DEFAULT_MFA_POLICY, { user: user() }).actions, ['otp:email', 'otp:sms', 'passkey', 'external']);
  t.deepEqual(mfaOffer(DEFAULT_MFA_POLICY, { user: user({ passkeyOnDevice: true }) }).actions, ['passkey', 'otp:email', 'otp:sms', 'external']);
  t.is(mfaOffer(DEFAULT_MFA_POLICY, { user: user() }).flow, 'signIn');
});

test('policy: no passkey without one, no code without an address, nothing the policy disables', (t) => {
  t.deepEqual(mfaOffer(DEFAULT_MFA_POLICY, { user: user({ passkeyCount: 0, phone: null }) }).actions, ['otp:email', 'external']);
  const strict = { ...DEFAULT_MFA_POLICY, otpSms: false, external: false };
  t.deepEqual(mfaOffer(strict, { user: user() }).actions, ['otp:email', 'passkey']);
  const offer = mfaOffer({ ...DEFAULT_MFA_POLICY, otpEmail: false, otpSms: false, passkey: false, external: false }, { user: user() });
  t.deepEqual(offer.actions, []);
  t.deepEqual(offer.emails, []);
});

test('policy: an existing user is never offered a new passkey; an unknown username is a sign-up with a new passkey only', (t) => {
  t.false(mfaOffer(DEFAULT_MFA_POLICY, { user: user({ passkeyCount: 0 }) }).actions.includes('passkey:reg'));
  t.deepEqual(mfaOffer(DEFAULT_MFA_POLICY, { user: null }), { flow: 'signUp', actions: ['passkey:reg'], emails: [], phones: [] });
  t.deepEqual(mfaOffer({ ...DEFAULT_MFA_POLICY, signUp: false }, { user: null }).actions, []);
});

test('policy: a device that can run no WebAuthn gets no passkey action', (t) => {
  const none = JSON.stringify({ userVerifyingPlatformAuthenticator: false, hybridTransport: false });
  t.false(deviceCanWebauthn(none));
  t.true(deviceCanWebauthn(JSON.stringify({ userVerifyingPlatformAuthenticator: false, hybridTransport: true })));
  t.true(deviceCanWebauthn('not json'));
  t.true(deviceCanWebauthn(undefined));
  t.deepEqual(mfaOffer(DEFAULT_MFA_POLICY, { user: user({ passkeyOnDevice: true }), webauthnCapabilities: none }).actions, ['otp:email', 'otp:sms', 'external']);
  t.deepEqual(mfaOffer(DEFAULT_MFA_POLICY, { user: null, webauthnCapabilities: none }).actions, []);
});

test('policy from settings: booleans and a bounded lifetime override the defaults; anything else is ignored', (t) => {
  t.deepEqual(mfaPolicyOf({}), DEFAULT_MFA_POLICY);
  t.deepEqual(mfaPolicyOf({ passkeysMfa: { otpSms: false, sessionTtlSeconds: 120, external: 'no' } }), { ...DEFAULT_MFA_POLICY, otpSms: false, sessionTtlSeconds: 120 });
  t.is(mfaPolicyOf({ passkeysMfa: { sessionTtlSeconds: 5 } }).sessionTtlSeconds, DEFAULT_MFA_POLICY.sessionTtlSeconds);
});

test('addresses are masked', (t) => {
  t.is(maskEmail('jane.doe@example.com'), 'j***e@example.com');
  t.is(maskEmail('jo@example.com'), 'j***@example.com');
  t.is(maskPhone('+15551234567'), '+*******4567');
  t.false(maskPhone('+15551234567').includes('555123'));
});
