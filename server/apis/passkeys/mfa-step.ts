/**
 * One step of an MFA flow (mfa/otp/request, otp/verify, passkey/auth, passkey/reg, passkey/tx,
 * payload, third-party/verify), the same way every time:
 * 1. the flow of the session string (security.ts `mfaSessionPrincipal`) and its application; a
 *    request whose `Host` names another application is refused;
 * 2. the step runs under the core's lockout (identity/lockout/guard.ts) for the address and the
 *    flow's username, with the application's policy: the attempt is reserved BEFORE anything is
 *    checked, so a blocked caller gets 429 whatever it sends;
 * 3. refusals, each a failed attempt and a failure of the flow (mfa-sessions.ts ends a flow
 *    after MAX_FLOW_FAILURES): a session string that is not the flow's current one (replayed,
 *    401), an expired or finished flow (401), a step the state machine does not allow now or an
 *    action that was not offered (mfa-flow.ts, 400), a deactivated user (403), and whatever the
 *    step's own check refuses (a wrong code, a failed assertion, a foreign token: 400);
 * 4. the step's work; a step that goes on gives the slot back, one that finishes the flow also
 *    clears the username's failures (a sign-in succeeded).
 * Codes are the Passkeys error shape's (seed 003 `msgCode`: bad_request, unauthorized,
 * forbidden; too_many_requests for the lockout).
 */
import { GatewayError, badRequest, forbidden, unauthorized } from '../../http/errors.ts';
import type { Principal } from '../../http/principal.ts';
import type { LoginidMfaSessionDoc, TenantDoc, UserDoc } from '../../store/collections.ts';
import { appForHost } from '../../identity/loginid/apps.ts';
import { transition, type MfaFacts, type MfaOffered, type MfaStep } from '../../identity/loginid/mfa-flow.ts';
import { findFlow, isCurrentSecret, recordFlowFailure } from '../../identity/loginid/mfa-sessions.ts';
import { underLockout, type CredentialCheck } from '../../identity/lockout/guard.ts';
import { usernameKey } from '../../identity/users.ts';
import { lockoutPolicyOf } from '../../identity/vault/tenant-settings.ts';
import type { ApiContext } from '../types.ts';

export interface MfaStepScope {
  tenant: TenantDoc;
  flow: LoginidMfaSessionDoc;
  /** The flow's user; null in a sign-up, whose user does not exist yet. */
  user: UserDoc | null;
  /** Whether this step finishes the flow. */
  finishes: boolean;
  now: Date;
}

export function offeredOf(flow: Pick<LoginidMfaSessionDoc, 'actions'>): MfaOffered {
  const has = (a: LoginidMfaSessionDoc['actions'][number]) => flow.actions.includes(a);
  return { passkey: has('passkey'), passkeyReg: has('passkey:reg'), otpEmail: has('otp:email'), otpSms: has('otp:sms'), external: has('external') };
}

const invalidSession = () => unauthorized('Invalid or expired session');

export async function runMfaStep<T>(
  context: ApiContext,
  principal: Principal,
  step: MfaStep,
  facts: Pick<MfaFacts, 'channel'>,
  work: (scope: MfaStepScope, attempt: CredentialCheck) => Promise<T>,
): Promise<T> {
  const { store, identity } = context.services;
  const flowId = principal.claims?.mfaFlowId;
  const secret = principal.claims?.mfaSecret;
  if (typeof flowId !== 'string' || typeof secret !== 'string') throw unauthorized('An MFA session is needed');
  const flow = await findFlow(store, principal.tenantId, flowId);
  const tenant = flow === null ? null : await identity.tenants.get(flow.tenantId);
  if (flow === null || tenant === null) throw invalidSession();
  const userId = flow.flow === 'signIn' ? flow.userId : null;
  const subject = { tenantId: tenant._id, ip: context.ip, usernameKey: usernameKey(flow.username), userId };

  return underLockout({ store, audit: identity.audit }, lockoutPolicyOf(tenant), subject, context, async (attempt) => {
    try {
      const now = identity.clock();
      const named = context.host ? await appForHost(store, context.host, '') : null;
      if (named !== null && named._id !== tenant._id) throw unauthorized('This session belongs to another application');
      if (!isCurrentSecret(flow, secret)) throw unauthorized('This session was already used: continue with the session of the last answer');
      if (flow.state === 'done') throw unauthorized('This MFA flow has already finished');
      if (flow.expiresAt <= now) throw invalidSession();
      const move = transition(flow.state, step, { offered: offeredOf(flow), hasPayload: flow.payload !== '', ...facts });
      if (!move.ok) throw badRequest(move.reason);
      let user: UserDoc | null = null;
      if (flow.flow === 'signIn') {
        user = await identity.users.get(tenant._id, flow.userId);
        if (user === null) throw invalidSession();
        if (user.disabled) throw forbidden('The user is deactivated');
      }
      const result = await work({ tenant, flow, user, finishes: move.finishes, now }, attempt);
      // A step that goes on signs nobody in: only a finished flow clears the username's failures.
      await attempt.pass({ clearUser: move.finishes });
      return result;
    } catch (e) {
      if (e instanceof GatewayError && e.status < 500 && e.kind !== 'rate_limited') {
        // A check of the step (an assertion) may have counted its failure already.
        if (!attempt.settled) await attempt.fail(`loginid.mfa.${step}`, e.message, { flow: flow._id }, userId ?? undefined);
        await recordFlowFailure(store, flow, identity.clock());
      }
      throw e;
    }
  });
}

/** The compare-and-set lost: another step of this flow (the same session string) got there first. */
export function lostRace(): GatewayError {
  return unauthorized('This session was already used: continue with the session of the last answer');
}
