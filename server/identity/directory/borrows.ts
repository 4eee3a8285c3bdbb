/**
 * LMX license borrows of native-client sessions: `checkout` takes one of the user's borrow slots
 * for `lmxborrowsec`, `renew` extends the session's borrow, `checkin` gives it back. Every change,
 * and every refusal, is in the audit log.
 *
 * The per-user limit holds across gateway instances without transactions: a user has slots
 * `<tenant>|<user>|0 .. limit-1`, and taking one is ONE guarded upsert on that slot's document
 * ("free, or its borrow has ended"); an upsert whose guard fails on an existing slot hits the unique
 * `_id` (error 11000) and the next slot is tried. Two checkouts can never hold one slot.
 */
import { isDuplicateKeyError } from '../errors.ts';
import type { DirectoryDeps } from './context.ts';
import { DirectoryRefusal } from './refusal.ts';
import type { DirectorySessionDoc } from '../../store/collections.ts';

export type BorrowAction = 'checkout' | 'renew' | 'checkin';

interface Actor {
  ip: string;
  requestId: string;
}

const slotId = (s: DirectorySessionDoc, n: number) => `${s.tenantId}|${s.userId}|${n}`;

async function audit(deps: DirectoryDeps, session: DirectorySessionDoc, action: BorrowAction, outcome: 'success' | 'denied', actor: Actor, details: Record<string, unknown> = {}) {
  await deps.core.audit.record({
    tenantId: session.tenantId,
    actor: { type: 'user', id: session.userId },
    action: `directory.borrow.${action}`,
    outcome,
    target: session._id,
    ip: actor.ip,
    requestId: actor.requestId,
    details: { feature: deps.settings.lmxFeature, server: deps.settings.lmxServer, ...details },
  });
}

async function refuse(deps: DirectoryDeps, session: DirectorySessionDoc, action: BorrowAction, actor: Actor, refusal: DirectoryRefusal): Promise<never> {
  await audit(deps, session, action, 'denied', actor, { reason: refusal.reason });
  throw refusal;
}

export async function borrow(deps: DirectoryDeps, session: DirectorySessionDoc, action: BorrowAction, actor: Actor): Promise<void> {
  const now = deps.core.clock();
  const until = new Date(now.getTime() + deps.settings.lmxBorrowSeconds * 1000);
  const mine = { tenantId: session.tenantId, userId: session.userId, sessionId: session._id, borrowedUntil: { $gt: now } };
  const borrows = deps.store.directoryBorrows;

  if (action === 'renew') {
    const renewed = await borrows.updateOne(mine, { $set: { borrowedUntil: until } });
    if (renewed.modifiedCount !== 1) await refuse(deps, session, action, actor, new DirectoryRefusal('nothing', 'This session holds no borrow to renew'));
    return audit(deps, session, action, 'success', actor, { until: until.toISOString() });
  }
  if (action === 'checkin') {
    const back = await borrows.updateOne(mine, { $set: { sessionId: null, checkedOutAt: null, borrowedUntil: null } });
    if (back.modifiedCount !== 1) await refuse(deps, session, action, actor, new DirectoryRefusal('nothing', 'This session holds no borrow to check in'));
    return audit(deps, session, action, 'success', actor);
  }
  if ((await borrows.findOne(mine, { projection: { _id: 1 } })) !== null) {
    await refuse(deps, session, action, actor, new DirectoryRefusal('conflict', 'This session already holds a borrow'));
  }
  for (let n = 0; n < deps.settings.borrowLimit; n++) {
    try {
      const taken = await borrows.updateOne(
        { _id: slotId(session, n), $or: [{ sessionId: null }, { borrowedUntil: { $lte: now } }] },
        {
          $set: { sessionId: session._id, checkedOutAt: now, borrowedUntil: until, feature: deps.settings.lmxFeature, server: deps.settings.lmxServer },
          $setOnInsert: { tenantId: session.tenantId, userId: session.userId },
        },
        { upsert: true },
      );
      if (taken.modifiedCount === 1 || taken.upsertedCount === 1) return audit(deps, session, action, 'success', actor, { slot: n, until: until.toISOString() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  await refuse(deps, session, action, actor, new DirectoryRefusal('limit', `At most ${deps.settings.borrowLimit} concurrent borrows per user`));
}
