/**
 * The server-side state of MFA flows (mfa-flow.ts is the state machine; this is its storage).
 *
 * The `session` string the client holds is `mfa.<flow id>.<secret>`: the id finds the flow, the
 * secret (256 random bits, stored only as its SHA-256) proves the holder got it from the last
 * answer. Every step that advances the flow replaces the secret, so each session string serves one
 * step: a replayed one names the flow (the refusal counts against the flow's user) but no longer
 * matches it.
 *
 * A step is one `findOneAndUpdate` guarded on the flow's id, application, step counter, current
 * secret, unfinished state and expiry (compare-and-set on `step`): of two requests racing with the
 * same session string, exactly one moves the flow on, on any gateway instance, without a
 * multi-document transaction. A finishing step sets `done` in that same update, before the tokens
 * are issued, so a flow yields its tokens once.
 */
import type { LoginidMfaSessionDoc, Store } from '../../store/collections.ts';
import { constantTimeEqual, hashSecret, randomSecret } from '../secrets/hash.ts';
import type { MfaState } from './mfa-flow.ts';

/** Refused steps after which a flow is over (the lockout bounds guessing across flows as well). */
export const MAX_FLOW_FAILURES = 5;

const PREFIX = 'mfa';

export type NewMfaFlow = Omit<LoginidMfaSessionDoc, 'secretHash' | 'step' | 'state' | 'failures' | 'createdAt' | 'expiresAt' | 'finishedAt' | 'otpTargetId'>;

const sessionString = (flowId: string, secret: string) => `${PREFIX}.${flowId}.${secret}`;

/** The flow id and secret of a session string, or null when it is not one of an MFA flow. */
export function parseMfaSession(value: string): { flowId: string; secret: string } | null {
  const m = /^mfa\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(value.trim());
  return m ? { flowId: m[1] as string, secret: m[2] as string } : null;
}

export async function createFlow(store: Store, input: NewMfaFlow, ttlSeconds: number, now: Date): Promise<{ flow: LoginidMfaSessionDoc; session: string }> {
  const secret = randomSecret(32);
  const flow: LoginidMfaSessionDoc = {
    ...input,
    secretHash: hashSecret(secret),
    step: 0,
    state: 'started',
    otpTargetId: null,
    failures: 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    finishedAt: null,
  };
  await store.loginidMfaSessions.insertOne(flow);
  return { flow, session: sessionString(flow._id, secret) };
}

export function findFlow(store: Store, tenantId: string, flowId: string): Promise<LoginidMfaSessionDoc | null> {
  return store.loginidMfaSessions.findOne({ _id: flowId, tenantId });
}

/** Whether `secret` is the flow's current one (a replayed session string is not). */
export function isCurrentSecret(flow: LoginidMfaSessionDoc, secret: string): boolean {
  return constantTimeEqual(hashSecret(secret), flow.secretHash);
}

/**
 * Moves the flow from the state it was read in to `next`, with `set` (compare-and-set on the step
 * counter and the secret). Returns the new session string (for a flow that goes on) and the flow
 * as stored, or null when another step got there first or the flow expired meanwhile.
 */
export async function advanceFlow(
  store: Store,
  flow: LoginidMfaSessionDoc,
  next: MfaState,
  set: Partial<Pick<LoginidMfaSessionDoc, 'payload' | 'ceremony' | 'otpTargetId'>>,
  now: Date,
): Promise<{ flow: LoginidMfaSessionDoc; session: string } | null> {
  const secret = randomSecret(32);
  const updated = await store.loginidMfaSessions.findOneAndUpdate(
    { _id: flow._id, tenantId: flow.tenantId, step: flow.step, secretHash: flow.secretHash, state: { $ne: 'done' }, expiresAt: { $gt: now } },
    { $set: { ...set, state: next, secretHash: hashSecret(secret), ...(next === 'done' ? { finishedAt: now } : {}) }, $inc: { step: 1 } },
    { returnDocument: 'after' },
  );
  return updated === null ? null : { flow: updated, session: sessionString(updated._id, secret) };
}

/** Counts a refused step; the MAX_FLOW_FAILURES-th ends the flow (it expires now). */
export async function recordFlowFailure(store: Store, flow: LoginidMfaSessionDoc, now: Date): Promise<void> {
  const counted = await store.loginidMfaSessions.findOneAndUpdate(
    { _id: flow._id, tenantId: flow.tenantId, failures: { $lt: MAX_FLOW_FAILURES } },
    { $inc: { failures: 1 } },
    { returnDocument: 'after', projection: { failures: 1 } },
  );
  if (counted !== null && counted.failures >= MAX_FLOW_FAILURES) {
    await store.loginidMfaSessions.updateOne({ _id: flow._id, tenantId: flow.tenantId }, { $set: { expiresAt: now } });
  }
}
