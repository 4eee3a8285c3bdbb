/**
 * POST /mfa/passkey/reg: in a sign-up flow, the new passkey answers the flow's registration
 * ceremony (registration-finish.ts: the core's verification, the AAGUID blacklist), which creates
 * the user; the flow finishes with the user signed in.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { badRequest } from '../../../http/errors.ts';
import { advanceFlow } from '../../../identity/loginid/mfa-sessions.ts';
import { passkeyAmr } from '../../../identity/amr.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { deactivated } from '../app-context.ts';
import { finishMfa } from '../mfa-finish.ts';
import { lostRace, runMfaStep } from '../mfa-step.ts';
import { finishRegistration } from '../registration-finish.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mfaPasskeyReg: H['mfaPasskeyReg'] = async ({ body, principal, context }) =>
  runMfaStep(context, principal, 'passkey.reg', {}, async ({ tenant, flow, now }) => {
    const c = flow.ceremony;
    if (c === null || c.purpose !== 'reg') throw badRequest('This flow has no registration ceremony');
    const { credential } = await finishRegistration(
      context,
      { purpose: 'reg', tenantId: tenant._id, challenge: c.challenge, ceremonySession: c.ceremonySession, userId: flow.userId, newUser: flow.newUser, deviceId: flow.deviceId },
      body.creationResult,
      null,
    );
    const moved = await advanceFlow(context.services.store, flow, 'done', {}, now);
    if (moved === null) throw lostRace();
    const user = await context.services.identity.users.get(tenant._id, flow.userId);
    if (user === null || user.disabled) throw deactivated();
    return { status: 200 as const, body: await finishMfa(context, tenant, moved.flow, user, { method: 'passkey', amr: passkeyAmr(true), credential }) };
  });
