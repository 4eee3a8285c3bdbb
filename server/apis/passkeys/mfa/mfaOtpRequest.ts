/**
 * POST /mfa/otp/request: sends a code of this flow by e-mail or SMS to one of the addresses
 * mfa/begin offered, named by its option id (or by the address itself, as LoginID's sample
 * sends it; never an address that was not offered, so the caller cannot choose where a code goes).
 * Rate-limited like every code request (code-delivery.ts). The code confirms this flow only
 * (its `target` is the flow). The flow moves to `otp_sent`; answers the next session string.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { badRequest } from '../../../http/errors.ts';
import { advanceFlow } from '../../../identity/loginid/mfa-sessions.ts';
import { usernameKey } from '../../../identity/users.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { limitCodeRequests, sendCode } from '../code-delivery.ts';
import { lostRace, runMfaStep } from '../mfa-step.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mfaOtpRequest: H['mfaOtpRequest'] = async ({ body, principal, context }) =>
  runMfaStep(context, principal, 'otp.request', { channel: body.method }, async ({ tenant, flow, user, now }) => {
    const choices = flow.targets.filter((t) => t.channel === body.method);
    const option = body.option?.trim();
    const target = option ? choices.find((t) => t.id === option || t.address === option) : choices[0];
    if (target === undefined || user === null) throw badRequest('This option is not offered in this flow');
    await limitCodeRequests(context, tenant._id, usernameKey(user.username));
    const moved = await advanceFlow(context.services.store, flow, 'otp_sent', { otpTargetId: target.id }, now);
    if (moved === null) throw lostRace();
    await sendCode(context, user, { purpose: 'mfa', channel: target.channel, to: target.address, flowId: flow._id });
    return { status: 200 as const, body: { session: moved.session } };
  });
