/**
 * The native client's side of a login. The client picks a secret native token, gives it to
 * `authenticate` (in the browser it opens) and long-polls `waitforauthentication` with it.
 *
 * - The record is keyed by the token's SHA-256; a token already used for a login is refused
 *   (`reused`), so one token ties one browser login to one client.
 * - pending → completed (the browser leg ended, `sessionId` set) → consumed (the poll collected the
 *   session once): each step one guarded update, so of two polls with the same token only one gets
 *   the session, on any instance.
 * - pending → failed (the browser leg ended in a refusal): the poll answers the refusal at once
 *   instead of waiting for a login that will never complete; the token stays used.
 * - The wait goes through the core's signal hub (signals.ts): completing publishes a signal for the
 *   token's hash, and a poll on any instance wakes on it, without a query per waiter.
 */
import type { DirectoryNativeLoginDoc } from '../../store/collections.ts';
import type { DirectoryDeps } from './context.ts';
import { DirectoryRefusal, type DirectoryRefusalReason } from './refusal.ts';
import { isDuplicateKeyError } from '../errors.ts';

export const NATIVE_TOPIC = 'directory-native-login';
/** the browser leg and the collection must happen within this time */
export const NATIVE_TTL_SECONDS = 900;

export async function registerNativeLogin(deps: DirectoryDeps, tenantId: string, tokenHash: string): Promise<void> {
  const now = deps.core.clock();
  try {
    await deps.store.directoryNativeLogins.insertOne({
      _id: tokenHash, tenantId, state: 'pending', sessionId: null, createdAt: now, completedAt: null,
      expiresAt: new Date(now.getTime() + NATIVE_TTL_SECONDS * 1000),
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new DirectoryRefusal('reused', 'This native token was already used for a login');
    throw error;
  }
}

/** Ends the pending browser leg of `tokenHash` (one guarded update) and wakes its polls on any instance. */
async function endBrowserLeg(deps: DirectoryDeps, tokenHash: string, outcome: Pick<DirectoryNativeLoginDoc, 'state' | 'sessionId' | 'failure'>): Promise<boolean> {
  const now = deps.core.clock();
  const done = await deps.store.directoryNativeLogins.updateOne(
    { _id: tokenHash, state: 'pending', expiresAt: { $gt: now } },
    { $set: { ...outcome, completedAt: now } },
  );
  if (done.modifiedCount !== 1) return false;
  await deps.core.signals.publish(NATIVE_TOPIC, tokenHash);
  return true;
}

export function completeNativeLogin(deps: DirectoryDeps, tokenHash: string, sessionId: string): Promise<boolean> {
  return endBrowserLeg(deps, tokenHash, { state: 'completed', sessionId, failure: null });
}

/** Records that the browser leg of `tokenHash` ended in a refusal, so its polls answer it at once. */
export async function failNativeLogin(deps: DirectoryDeps, tokenHash: string, failure: NativeFailure): Promise<void> {
  await endBrowserLeg(deps, tokenHash, { state: 'failed', sessionId: null, failure });
}

export interface NativeFailure {
  reason: DirectoryRefusalReason;
  accessDenied: boolean;
}

type Collected =
  | { kind: 'session'; tenantId: string; sessionId: string }
  | { kind: 'failed'; failure: NativeFailure }
  | { kind: 'pending' }
  | { kind: 'unknown' };

/** Takes the completed login's session (once), or says it is still pending or unknown/used. */
async function collect(deps: DirectoryDeps, tokenHash: string): Promise<Collected> {
  const now = deps.core.clock();
  const taken = await deps.store.directoryNativeLogins.findOneAndUpdate(
    { _id: tokenHash, state: 'completed', expiresAt: { $gt: now } },
    { $set: { state: 'consumed' } },
    { returnDocument: 'after' },
  );
  if (taken?.sessionId) return { kind: 'session', tenantId: taken.tenantId, sessionId: taken.sessionId };
  const current = await deps.store.directoryNativeLogins.findOne({ _id: tokenHash, expiresAt: { $gt: now } }, { projection: { state: 1, failure: 1 } });
  if (current?.state === 'failed' && current.failure) return { kind: 'failed', failure: current.failure as NativeFailure };
  return current?.state === 'pending' ? { kind: 'pending' } : { kind: 'unknown' };
}

/**
 * Waits up to `timeoutMs` for the login of `tokenHash` to complete on any instance. Subscribes
 * before the first check (signals.ts says why no completion can slip between them).
 */
export async function waitForNativeLogin(
  deps: DirectoryDeps,
  tokenHash: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Exclude<Collected, { kind: 'pending' }> | { kind: 'timeout' }> {
  const subscription = await deps.core.signals.subscribe(NATIVE_TOPIC, tokenHash);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await collect(deps, tokenHash);
      if (state.kind !== 'pending') return state;
      const left = deadline - Date.now();
      if (left <= 0 || signal.aborted) return { kind: 'timeout' };
      await subscription.next(left, signal);
    }
  } finally {
    subscription.close();
  }
}
