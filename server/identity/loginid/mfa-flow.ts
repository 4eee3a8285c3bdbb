/**
 * The MFA flow of the Passkeys API (seed 003 mfa/*) as a state machine: which step may follow
 * which, nothing else. Pure (no store, no clock), so every path is unit-tested
 * (test/passkeys/mfa-flow.test.ts); mfa-sessions.ts persists the state with a guarded update and
 * the handlers do the cryptography of each step.
 *
 * States:
 * - `started`: mfa/begin answered the actions the policy offers (mfa-policy.ts); the user picks one.
 * - `otp_sent`: a code went to one of the offered addresses; mfa/otp/verify may finish.
 * - `done`: a step finished the flow and its tokens were issued. Final: nothing follows, so a
 *   replayed or doubled finishing step is refused.
 *
 * Steps, and the state they lead to:
 * - `payload` (mfa/payload): the payload changes; back to `started` (a code sent for the old
 *   payload no longer confirms anything, and passkey options are made anew for the new payload);
 * - `otp.request` (mfa/otp/request, for an offered channel): `otp_sent`; again from `otp_sent`
 *   to send another code or use the other channel;
 * - `otp.verify` (mfa/otp/verify): only from `otp_sent`; `done`;
 * - `passkey.auth` (mfa/passkey/auth): `done`; only while no payload waits for confirmation,
 *   because a plain assertion's challenge commits to nothing the user saw;
 * - `passkey.tx` (mfa/passkey/tx): `done`; only with a payload (its challenge commits to it);
 * - `passkey.reg` (mfa/passkey/reg): `done`; only when a new passkey is offered;
 * - `external` (mfa/third-party/verify): `done`; only when offered.
 * A step of an action the policy did not offer is refused like a step out of order.
 */

export type MfaState = 'started' | 'otp_sent' | 'done';

export type MfaStep = 'payload' | 'otp.request' | 'otp.verify' | 'passkey.auth' | 'passkey.tx' | 'passkey.reg' | 'external';

/** What the policy offered at mfa/begin (mfa-policy.ts `MfaOffer`), as the machine needs it. */
export interface MfaOffered {
  passkey: boolean;
  passkeyReg: boolean;
  otpEmail: boolean;
  otpSms: boolean;
  external: boolean;
}

export interface MfaFacts {
  offered: MfaOffered;
  /** A payload waits for confirmation (non-empty). */
  hasPayload: boolean;
  /** For `otp.request`: the channel asked for. */
  channel?: 'email' | 'sms';
}

export type Transition = { ok: true; next: MfaState; finishes: boolean } | { ok: false; reason: string };

const refuse = (reason: string): Transition => ({ ok: false, reason });
const finish: Transition = { ok: true, next: 'done', finishes: true };

/** The state `step` leads to from `state`, or why it may not be taken now. */
export function transition(state: MfaState, step: MfaStep, facts: MfaFacts): Transition {
  if (state === 'done') return refuse('This MFA flow has already finished');
  const { offered } = facts;
  switch (step) {
    case 'payload':
      return { ok: true, next: 'started', finishes: false };
    case 'otp.request': {
      const allowed = facts.channel === 'email' ? offered.otpEmail : facts.channel === 'sms' ? offered.otpSms : false;
      return allowed ? { ok: true, next: 'otp_sent', finishes: false } : refuse(`A code by ${facts.channel ?? 'this method'} is not offered in this flow`);
    }
    case 'otp.verify':
      return state === 'otp_sent' ? finish : refuse('No code was requested in this flow');
    case 'passkey.auth':
      if (!offered.passkey) return refuse('Signing in with a passkey is not offered in this flow');
      return facts.hasPayload ? refuse('A payload waits for confirmation: confirm it with mfa/passkey/tx') : finish;
    case 'passkey.tx':
      if (!offered.passkey) return refuse('Signing in with a passkey is not offered in this flow');
      return facts.hasPayload ? finish : refuse('There is no payload to confirm: use mfa/passkey/auth');
    case 'passkey.reg':
      return offered.passkeyReg ? finish : refuse('Registering a new passkey is not offered in this flow');
    case 'external':
      return offered.external ? finish : refuse('A third-party token is not accepted in this flow');
  }
}

/** The steps that may be taken in `state` (for the flow's answers and the tests). */
export function allowedSteps(state: MfaState, facts: Omit<MfaFacts, 'channel'>): MfaStep[] {
  const steps: MfaStep[] = ['payload', 'otp.verify', 'passkey.auth', 'passkey.tx', 'passkey.reg', 'external'];
  const out = steps.filter((s) => transition(state, s, facts).ok);
  for (const channel of ['email', 'sms'] as const) {
    if (transition(state, 'otp.request', { ...facts, channel }).ok && !out.includes('otp.request')) out.push('otp.request');
  }
  return out;
}
