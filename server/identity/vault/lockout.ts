/**
 * Lockout of the Vault's credential-checking endpoints, driven by the tenant's `block_config`
 * (seed 002 BlockConfig; ARCHITECTURE.md, Security baseline: "rate limits and lockout on every
 * credential-checking endpoint; blocked IPs").
 *
 * Two counters per tenant, one MongoDB document each, so every gateway instance sharing the
 * database sees the same counts:
 * - per IP: `ip_attempts_limit` failed attempts within `ip_attempts_reset_minutes`;
 * - per username: `user_attempts_limit` failed attempts within `user_timeframe_seconds`.
 *   Usernames are counted whether or not an account exists, so a block reveals nothing about
 *   which usernames are registered (zkimg-1.md, Challenge step 1).
 * The failure that reaches the limit imposes a block of `initial_block_seconds`; each further
 * block of the same IP or username doubles, up to `max_block_time_minutes`. A block resets the
 * window, so after it ends the next `limit` failures bring the next (doubled) block. The doubling
 * is forgotten when the record expires: `max_block_time_minutes` after the last failure's window
 * or block ended. A successful login resets its username's record (never the IP's: an attacker's
 * own account must not launder an address that is guessing others' keys).
 *
 * Blocked callers are refused before any cryptographic work with 429 and `Retry-After`
 * (RFC 6585 §4, RFC 9110 §10.2.3). 429 rather than 403/423: the refusal is temporary and says
 * when to come back, which is what 429 + Retry-After mean; it is the same for a blocked IP and a
 * blocked username, except for the detail.
 *
 * Every change is one single-document update (no transactions): the window is advanced by an
 * upsert guarded on the old window, and a block is imposed by an update guarded on the level read,
 * so concurrent failures impose one block, not several.
 */
import { GatewayError } from '../../http/errors.ts';
import type { LoginLockoutDoc, Store } from '../../store/collections.ts';
import { isDuplicateKeyError } from '../errors.ts';
import type { DEFAULT_BLOCK_CONFIG } from './tenant-settings.ts';

export type BlockConfig = typeof DEFAULT_BLOCK_CONFIG;
export type LockoutKind = LoginLockoutDoc['kind'];

export interface LoginSubject {
  tenantId: string;
  ip: string;
  /** users.ts usernameKey of the username tried (null when the operation names none). */
  usernameKey: string | null;
  /** The account behind the username, when there is one (for blocked-users). */
  userId?: string | null;
}

export const lockoutId = (tenantId: string, kind: LockoutKind, subject: string) => `${tenantId}|${kind}|${subject}`;

/** Block length after `level` earlier blocks: initial * 2^level, capped (seconds). */
export function blockSeconds(config: BlockConfig, level: number): number {
  const cap = config.max_block_time_minutes * 60;
  const seconds = config.initial_block_seconds * 2 ** Math.min(level, 40);
  return Math.max(1, Math.min(seconds, cap));
}

function ids(s: LoginSubject): string[] {
  const out = [lockoutId(s.tenantId, 'ip', s.ip)];
  if (s.usernameKey !== null) out.push(lockoutId(s.tenantId, 'user', s.usernameKey));
  return out;
}

export interface LockoutState {
  /** The active block that refuses this attempt, if any. */
  blocked: { kind: LockoutKind; retryAfterSeconds: number } | null;
  /** The username's record has failures or levels to clear after a success. */
  userRecordDirty: boolean;
}

/** Reads both records (one query) and says whether this attempt is refused. */
export async function lockoutState(store: Store, subject: LoginSubject, now = new Date()): Promise<LockoutState> {
  const docs = await store.loginLockouts.find({ _id: { $in: ids(subject) } }).toArray();
  let blocked: LockoutState['blocked'] = null;
  let userRecordDirty = false;
  for (const d of docs) {
    if (d.blockedUntil !== null && d.blockedUntil > now) {
      const retryAfterSeconds = Math.max(1, Math.ceil((d.blockedUntil.getTime() - now.getTime()) / 1000));
      if (blocked === null || retryAfterSeconds > blocked.retryAfterSeconds) blocked = { kind: d.kind, retryAfterSeconds };
    }
    if (d.kind === 'user' && (d.failures > 0 || d.level > 0)) userRecordDirty = true;
  }
  return { blocked, userRecordDirty };
}

export function blockedError(blocked: NonNullable<LockoutState['blocked']>): GatewayError {
  const what = blocked.kind === 'ip' ? 'from this address' : 'for this username';
  return new GatewayError('rate_limited', `Too many failed attempts ${what}; try again in ${blocked.retryAfterSeconds} s`, {
    headers: { 'Retry-After': String(blocked.retryAfterSeconds) },
  });
}

/** Refuses (429) when the IP or the username is blocked; returns the state otherwise. */
export async function assertNotBlocked(store: Store, subject: LoginSubject, now = new Date()): Promise<LockoutState> {
  const state = await lockoutState(store, subject, now);
  if (state.blocked !== null) throw blockedError(state.blocked);
  return state;
}

export interface ImposedBlock {
  kind: LockoutKind;
  subject: string;
  seconds: number;
}

/** Counts one failed attempt for the IP and the username; returns the blocks it imposed. */
export async function recordFailure(store: Store, config: BlockConfig, subject: LoginSubject, now = new Date()): Promise<ImposedBlock[]> {
  const imposed: ImposedBlock[] = [];
  const counters: { kind: LockoutKind; key: string; limit: number; windowSeconds: number }[] = [
    { kind: 'ip', key: subject.ip, limit: config.ip_attempts_limit, windowSeconds: config.ip_attempts_reset_minutes * 60 },
  ];
  if (subject.usernameKey !== null) {
    counters.push({ kind: 'user', key: subject.usernameKey, limit: config.user_attempts_limit, windowSeconds: config.user_timeframe_seconds });
  }
  for (const c of counters) {
    const seconds = await countFailure(store, config, { tenantId: subject.tenantId, kind: c.kind, key: c.key, userId: c.kind === 'user' ? (subject.userId ?? null) : null }, c.limit, c.windowSeconds, now);
    if (seconds !== null) imposed.push({ kind: c.kind, subject: c.key, seconds });
  }
  return imposed;
}

async function countFailure(
  store: Store,
  config: BlockConfig,
  who: { tenantId: string; kind: LockoutKind; key: string; userId: string | null },
  limit: number,
  windowSeconds: number,
  now: Date,
): Promise<number | null> {
  const _id = lockoutId(who.tenantId, who.kind, who.key);
  const windowFloor = new Date(now.getTime() - windowSeconds * 1000);
  const memoryMs = (Math.max(windowSeconds, config.max_block_time_minutes * 60) + config.max_block_time_minutes * 60) * 1000;
  const expiresAt = new Date(now.getTime() + memoryMs);
  const identity = who.userId !== null ? { userId: who.userId } : {};
  let doc: LoginLockoutDoc | null = null;
  for (let attempt = 0; attempt < 4 && doc === null; attempt++) {
    // Within the current window: one more failure.
    doc = await store.loginLockouts.findOneAndUpdate(
      { _id, windowStart: { $gt: windowFloor } },
      { $inc: { failures: 1 }, $set: { updatedAt: now, expiresAt, ...identity } },
      { returnDocument: 'after' },
    );
    if (doc !== null) break;
    // No record, or its window is over: start a window with this failure (the level is kept).
    try {
      doc = await store.loginLockouts.findOneAndUpdate(
        { _id, windowStart: { $lte: windowFloor } },
        {
          $set: { failures: 1, windowStart: now, updatedAt: now, expiresAt, tenantId: who.tenantId, kind: who.kind, subject: who.key, ...identity },
          $setOnInsert: { level: 0, blockedAt: null, blockedUntil: null, blockSeconds: 0, ...(who.userId === null ? { userId: null } : {}) },
        },
        { upsert: true, returnDocument: 'after' },
      );
    } catch (error) {
      // Another failure created or advanced the record first: count in its window instead.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  if (doc === null || doc.failures < limit) return null;
  if (doc.blockedUntil !== null && doc.blockedUntil > now) return null; // already blocked
  const seconds = blockSeconds(config, doc.level);
  const blockedUntil = new Date(now.getTime() + seconds * 1000);
  const blocked = await store.loginLockouts.findOneAndUpdate(
    { _id, level: doc.level, $or: [{ blockedUntil: null }, { blockedUntil: { $lte: now } }] },
    {
      $set: {
        blockedAt: now,
        blockedUntil,
        blockSeconds: seconds,
        failures: 0,
        windowStart: now,
        updatedAt: now,
        expiresAt: new Date(blockedUntil.getTime() + config.max_block_time_minutes * 60_000 + windowSeconds * 1000),
      },
      $inc: { level: 1 },
    },
    { returnDocument: 'after' },
  );
  return blocked === null ? null : seconds;
}

/** After a successful login: the username starts afresh (failures, block and doubling). */
export async function recordSuccess(store: Store, tenantId: string, usernameKey: string): Promise<void> {
  await store.loginLockouts.deleteOne({ _id: lockoutId(tenantId, 'user', usernameKey) });
}

export interface BlockPage {
  items: LoginLockoutDoc[];
  total: number;
  hasNext: boolean;
}

/** The tenant's current blocks of one kind, by `blocked_at` (blocked-ips, blocked-users). */
export async function listBlocks(
  store: Store,
  tenantId: string,
  kind: LockoutKind,
  options: { page: number; pageSize: number; sortDirection: number },
  now = new Date(),
): Promise<BlockPage> {
  const filter = {
    tenantId,
    kind,
    blockedUntil: { $gt: now },
    // blocked-users lists accounts; blocks of usernames that belong to nobody stay unlisted.
    ...(kind === 'user' ? { userId: { $type: 'string' as const } } : {}),
  };
  const direction = options.sortDirection === 1 ? 1 : -1;
  const skip = options.page * options.pageSize;
  const [items, total] = await Promise.all([
    store.loginLockouts.find(filter).sort({ blockedAt: direction, _id: direction }).skip(skip).limit(options.pageSize).toArray(),
    store.loginLockouts.countDocuments(filter),
  ]);
  return { items, total, hasNext: skip + items.length < total };
}
