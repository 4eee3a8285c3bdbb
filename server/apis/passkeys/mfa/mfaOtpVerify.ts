/**
 * POST /mfa/otp/verify: the code sent by mfa/otp/request for this flow (otp-codes.ts: single use,
 * short-lived, bound to the flow) finishes it. A wrong code is a failed attempt of the core's
 * lockout and of the flow (mfa-step.ts).
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { badRequest } from '../../../http/errors.ts';
import { advanceFlow } from '../../../identity/loginid/mfa-sessions.ts';
import { useOtp } from '../../../identity/loginid/otp-codes.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { finishMfa } from '../mfa-finish.ts';
import { lostRace, runMfaStep } from '../mfa-step.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mfaOtpVerify: H['mfaOtpVerify'] = async ({ body, principal, context }) =>
  runMfaStep(context, principal, 'otp.verify', {}, async ({ tenant, flow, user, now }) => {
    const { store } = context.services;
    if (user === null) throw badRequest('No code was requested in this flow');
    const otp = await useOtp(store, { tenantId: tenant._id, userId: user._id, purpose: 'mfa', code: body.otp, target: flow._id }, now);
    if (otp === null) throw badRequest('Invalid or expired code');
    const moved = await advanceFlow(store, flow, 'done', {}, now);
    if (moved === null) throw lostRace();
    const channel = flow.targets.find((t) => t.id === flow.otpTargetId)?.channel;
    const amr = channel === 'sms' ? ['otp', 'sms'] : ['otp'];
    return { status: 200 as const, body: await finishMfa(context, tenant, moved.flow, user, { method: 'otp', amr }) };
  });
