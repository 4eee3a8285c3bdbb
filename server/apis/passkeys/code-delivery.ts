/**
 * Sending one-time codes through the outbox (identity/outbox.ts: stored for development and tests,
 * e-mail also by SMTP when configured; SMS stay for a provider integration). Requests are
 * rate-limited per address and per user (core rate limiter) before any code is made, so the
 * outbox cannot be flooded and codes cannot be churned faster than the lockout counts guesses.
 */
import { GatewayError } from '../../http/errors.ts';
import type { LoginidOtpDoc, UserDoc } from '../../store/collections.ts';
import { issueOtp, OTP_TTL_S } from '../../identity/loginid/otp-codes.ts';
import type { ApiContext } from '../types.ts';

/** Code requests per user per 10 minutes, and per address per 10 minutes. */
export const CODES_PER_USER = 5;
export const CODES_PER_IP = 30;
const WINDOW_S = 600;

export async function limitCodeRequests(context: ApiContext, tenantId: string, userKey: string): Promise<void> {
  const { rateLimiter } = context.services.identity;
  for (const [key, limit] of [[`loginid-code:ip:${tenantId}:${context.ip}`, CODES_PER_IP], [`loginid-code:user:${tenantId}:${userKey}`, CODES_PER_USER]] as const) {
    const r = await rateLimiter.hit(key, limit, WINDOW_S);
    if (!r.allowed) {
      throw new GatewayError('rate_limited', 'Too many code requests; try again later', { headers: { 'Retry-After': String(r.retryAfterSeconds) } });
    }
  }
}

export async function sendCode(
  context: ApiContext,
  user: UserDoc,
  input: { purpose: LoginidOtpDoc['purpose']; channel: 'email' | 'sms'; to: string; /** the MFA flow a code of purpose `mfa` confirms */ flowId?: string },
): Promise<void> {
  const { store, identity } = context.services;
  const target = input.purpose === 'auth' ? null : input.purpose === 'mfa' ? (input.flowId ?? null) : input.to;
  const { code } = await issueOtp(store, { tenantId: user.tenantId, userId: user._id, purpose: input.purpose, target });
  const minutes = Math.round(OTP_TTL_S[input.purpose] / 60);
  const what = input.purpose === 'auth' || input.purpose === 'mfa' ? 'sign-in code' : input.purpose === 'email' ? 'e-mail verification code' : 'phone verification code';
  await identity.outbox.send({
    tenantId: user.tenantId,
    channel: input.channel,
    to: input.to,
    subject: input.channel === 'email' ? `Your ${what}` : null,
    body: `Your ${what} is ${code}. It expires in ${minutes} minutes.`,
    purpose: `loginid_${input.purpose}_code`,
  });
}
