/**
 * POST /mfa/payload: replaces the payload the user is to confirm. The flow goes back to `started`
 * (mfa-flow.ts): a code sent for the old payload is withdrawn, the passkey ceremony is made anew
 * so its challenge commits to the new payload (mfa-next.ts), and a new session string is issued;
 * the old one no longer works. Answers `MfaNext`.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { advanceFlow } from '../../../identity/loginid/mfa-sessions.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { ceremonyOf, mfaNextOf } from '../mfa-next.ts';
import { lostRace, runMfaStep } from '../mfa-step.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mfaPayloadUpdate: H['mfaPayloadUpdate'] = async ({ body, principal, context }) =>
  runMfaStep(context, principal, 'payload', {}, async ({ tenant, flow, now }) => {
    const { store } = context.services;
    const ceremony = await ceremonyOf(context, tenant, { ...flow, payload: body.payload });
    const moved = await advanceFlow(store, flow, 'started', { payload: body.payload, ceremony, otpTargetId: null }, now);
    if (moved === null) throw lostRace();
    await store.loginidOtps.deleteMany({ tenantId: tenant._id, userId: flow.userId, purpose: 'mfa', target: flow._id });
    return { status: 200 as const, body: mfaNextOf(moved.flow, moved.session) };
  });
