/**
 * An operator lifts a lockout block (attempts.ts) before it ends: an address many honest users
 * share (an office, a carrier's NAT) or a user who mistyped too often. The record goes entirely,
 * as a successful login clears a username's (attempts.ts recordSuccess): failures, the block and
 * its doubling start afresh. Only the named tenant's record is touched; the same address blocked
 * in another tenant stays blocked. One single-document delete per record, no transaction.
 */
import type { Store } from '../../store/collections.ts';
import { IdentityError } from '../errors.ts';
import { lockoutId } from './attempts.ts';

/** Matches records with a block in force. */
const blockedNow = (now: Date) => ({ blockedUntil: { $gt: now } });

/** Lifts the block of `ip` in the tenant; `resource.not_found` when none is in force. */
export async function unblockIp(store: Store, tenantId: string, ip: string, now = new Date()): Promise<void> {
  const { deletedCount } = await store.loginLockouts.deleteOne({ _id: lockoutId(tenantId, 'ip', ip), ...blockedNow(now) });
  if (deletedCount === 0) throw new IdentityError('resource.not_found', `The address ${ip} is not blocked in tenant ${tenantId}`);
}

/**
 * Lifts the block of a user's username in the tenant: the record of its current username, and any
 * record that names the account (kept under an earlier username). `resource.not_found` when the
 * user does not exist or no block is in force.
 */
export async function unblockUser(store: Store, tenantId: string, userId: string, now = new Date()): Promise<void> {
  const user = await store.users.findOne({ tenantId, _id: userId });
  if (user === null) throw new IdentityError('resource.not_found', `User ${userId} not found in tenant ${tenantId}`);
  const { deletedCount } = await store.loginLockouts.deleteMany({
    tenantId,
    kind: 'user',
    $or: [{ _id: lockoutId(tenantId, 'user', user.usernameKey) }, { userId }],
    ...blockedNow(now),
  });
  if (deletedCount === 0) throw new IdentityError('resource.not_found', `User ${user.username} is not blocked in tenant ${tenantId}`);
}
