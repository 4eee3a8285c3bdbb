/**
 * Which actions an MFA flow offers (seed 003 mfa/begin `MfaNext.next`): the application's MFA
 * policy, kept under the tenant's `settings.passkeysMfa` (every member optional, defaults below),
 * applied to what the gateway knows of the user and the device. Pure; unit-tested in
 * test/passkeys/mfa-flow.test.ts.
 *
 * The decision, in order:
 * 1. A username unknown to the application is a sign-up (`flow: signUp`): the only action is a new
 *    passkey (`passkey:reg`), which creates the user, when the policy allows sign-up and the device
 *    does not say it cannot run WebAuthn. Nothing else can prove anything about a user who does
 *    not exist yet.
 * 2. A known user signs in (`flow: signIn`), with every action the policy enables and the user
 *    can complete:
 *    - `passkey`: the user has a passkey and the device can run WebAuthn (here or by hybrid
 *      transport); its options are made by mfa/begin;
 *    - `otp:email` / `otp:sms`: one option per address the user's profile holds. Only stored
 *      addresses: an address in the request (MfaUser.phone) would let the caller choose where
 *      the code goes. Addresses are shown masked and named by an opaque option id;
 *    - `external`: a token of `mgmt/grant/external-auth` (the application's backend vouches for
 *      the user, authenticated by a third party).
 *    A new passkey is NOT offered to an existing user: registering a passkey proves nothing about
 *    who registers it, so it would hand the account to anyone who knows the username. A user
 *    adds a passkey after signing in, with the `reg:write` access token the flow returns
 *    (reg/init).
 * 3. Order: a passkey first when one of the user's passkeys was created or last used on this
 *    device; otherwise the codes first (the passkey may live on another device), the passkey
 *    next, the third-party token last.
 * The device's WebAuthn ability comes from `deviceInfo.webauthnCapabilities` (a JSON string of
 * the browser's capability booleans): a device that reports neither a user-verifying platform
 * authenticator nor hybrid transport cannot use or make a passkey; an absent or unreadable value
 * is taken as capable.
 */

export interface MfaPolicy {
  /** Offer a passkey of the user. */
  passkey: boolean;
  /** Offer a new passkey to a username the application does not know (creates the user). */
  signUp: boolean;
  otpEmail: boolean;
  otpSms: boolean;
  /** Accept a token of mgmt/grant/external-auth. */
  external: boolean;
  /** Lifetime of a flow from mfa/begin, in seconds. */
  sessionTtlSeconds: number;
}

export const DEFAULT_MFA_POLICY: MfaPolicy = { passkey: true, signUp: true, otpEmail: true, otpSms: true, external: true, sessionTtlSeconds: 300 };

/** The stored policy (`settings.passkeysMfa`) over the defaults; members of the wrong type are ignored. */
export function mfaPolicyOf(settings: Record<string, unknown>): MfaPolicy {
  const mfa = settings.passkeysMfa;
  const s = typeof mfa === 'object' && mfa !== null ? (mfa as Record<string, unknown>) : {};
  const flag = (k: keyof MfaPolicy) => (typeof s[k] === 'boolean' ? (s[k] as boolean) : (DEFAULT_MFA_POLICY[k] as boolean));
  const ttl = s.sessionTtlSeconds;
  return {
    passkey: flag('passkey'),
    signUp: flag('signUp'),
    otpEmail: flag('otpEmail'),
    otpSms: flag('otpSms'),
    external: flag('external'),
    sessionTtlSeconds: typeof ttl === 'number' && Number.isInteger(ttl) && ttl >= 60 && ttl <= 3600 ? ttl : DEFAULT_MFA_POLICY.sessionTtlSeconds,
  };
}

export interface MfaSubject {
  /** null for a username unknown to the application */
  user: { email: string | null; phone: string | null; passkeyCount: number; passkeyOnDevice: boolean } | null;
  /** `deviceInfo.webauthnCapabilities` as sent, if any */
  webauthnCapabilities?: string | undefined;
}

export type MfaActionName = 'passkey' | 'passkey:reg' | 'otp:email' | 'otp:sms' | 'external';

export interface MfaOffer {
  flow: 'signIn' | 'signUp';
  /** In the order they are shown. */
  actions: MfaActionName[];
  emails: string[];
  phones: string[];
}

/** False only when the device says it has neither a user-verifying platform authenticator nor hybrid transport. */
export function deviceCanWebauthn(capabilities: string | undefined): boolean {
  if (!capabilities) return true;
  let c: unknown;
  try {
    c = JSON.parse(capabilities);
  } catch {
    return true;
  }
  if (typeof c !== 'object' || c === null) return true;
  const caps = c as Record<string, unknown>;
  const platform = caps.userVerifyingPlatformAuthenticator ?? caps.passkeyPlatformAuthenticator;
  return !(platform === false && caps.hybridTransport === false);
}

export function mfaOffer(policy: MfaPolicy, subject: MfaSubject): MfaOffer {
  const webauthn = deviceCanWebauthn(subject.webauthnCapabilities);
  const { user } = subject;
  if (user === null) {
    return { flow: 'signUp', actions: policy.signUp && webauthn ? ['passkey:reg'] : [], emails: [], phones: [] };
  }
  const emails = policy.otpEmail && user.email ? [user.email] : [];
  const phones = policy.otpSms && user.phone ? [user.phone] : [];
  const passkey = policy.passkey && webauthn && user.passkeyCount > 0;
  const codes: MfaActionName[] = [...(emails.length ? (['otp:email'] as const) : []), ...(phones.length ? (['otp:sms'] as const) : [])];
  const actions: MfaActionName[] = passkey && user.passkeyOnDevice ? ['passkey', ...codes] : [...codes, ...(passkey ? (['passkey'] as const) : [])];
  if (policy.external) actions.push('external');
  return { flow: 'signIn', actions, emails, phones };
}

/** `j***e@example.com`: the first and last character of the local part, the domain in full. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  const local = address.slice(0, at);
  const shown = local.length <= 2 ? `${local[0]}***` : `${local[0]}***${local[local.length - 1]}`;
  return `${shown}${address.slice(at)}`;
}

/** `+*******4567`: every digit but the last four hidden. */
export function maskPhone(number: string): string {
  const digits = number.replace(/\D/g, '');
  const keep = digits.slice(-4);
  return `${number.trim().startsWith('+') ? '+' : ''}${'*'.repeat(Math.max(0, digits.length - 4))}${keep}`;
}
