/**
 * mfa/passkey/auth and mfa/passkey/tx: the assertion answers the flow's pending ceremony
 * (assertion.ts: the core's verification, the owner active, the authenticator model allowed),
 * which must be of the step's kind: a plain authentication without a payload, a transaction whose
 * challenge commits to the flow's payload with one (mfa-next.ts). The passkey must be the flow's
 * user's. Then the flow finishes.
 */
import type { components } from '../../../generated/passkeys/schema.ts';
import { badRequest } from '../../http/errors.ts';
import type { Principal } from '../../http/principal.ts';
import { passkeyAmr } from '../../identity/amr.ts';
import { advanceFlow } from '../../identity/loginid/mfa-sessions.ts';
import type { ApiContext } from '../types.ts';
import { verifySessionAssertion } from './assertion.ts';
import { finishMfa } from './mfa-finish.ts';
import { lostRace, runMfaStep } from './mfa-step.ts';

export async function mfaPasskeyStep(
  context: ApiContext,
  principal: Principal,
  kind: 'auth' | 'tx',
  assertion: components['schemas']['AuthenticatorAssertionResponse'],
): Promise<{ status: 200; body: components['schemas']['Mfa'] }> {
  return runMfaStep(context, principal, kind === 'auth' ? 'passkey.auth' : 'passkey.tx', {}, async ({ tenant, flow, now }, attempt) => {
    const c = flow.ceremony;
    if (c === null || c.purpose !== kind) throw badRequest('This flow has no passkey ceremony of this kind');
    const { user, credential } = await verifySessionAssertion(
      context,
      { purpose: kind, tenantId: tenant._id, challenge: c.challenge, ceremonySession: c.ceremonySession, userId: flow.userId, deviceId: flow.deviceId },
      assertion,
      'assertionResult',
      attempt,
    );
    const moved = await advanceFlow(context.services.store, flow, 'done', {}, now);
    if (moved === null) throw lostRace();
    return { status: 200 as const, body: await finishMfa(context, tenant, moved.flow, user, { method: 'passkey', amr: passkeyAmr(true), credential }) };
  });
}
