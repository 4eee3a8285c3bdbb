/**
 * Lockout of credential checks, for every API (docs/architecture.md, Security baseline: "rate limits
 * and lockout on every credential-checking endpoint; blocked IPs"), driven by a `LockoutPolicy`
 * (policy.ts) each API derives from its own settings (the Vault from its tenants' `block_config`).
 *
 * Two counters per tenant, one MongoDB document each, so every gateway instance sharing the
 * database sees the same counts:
 * - per IP: `ipAttemptsLimit` failed attempts within `ipWindowSeconds`;
 * - per username: `userAttemptsLimit` failed attempts within `userWindowSeconds`.
 *   Usernames are counted whether or not an account exists, so a block reveals nothing about
 *   which usernames are registered.
 * The failure that reaches the limit imposes a block of `initialBlockSeconds`; each further
 * block of the same IP or username doubles, up to `maxBlockSeconds`. A block resets the
 * window, so after it ends the next `limit` failures bring the next (doubled) block. The doubling
 * is forgotten when the record expires: `maxBlockSeconds` after the last failure's window
 * or block ended. A successful login resets its username's record (never the IP's: an attacker's
 * own account must not launder an address that is guessing others' keys).
 *
 * Blocked callers are refused before any cryptographic work with `lockout.blocked` (errors.ts
 * `rateLimited`: 429 and `Retry-After`, RFC 6585 §4, RFC 9110 §10.2.3). 429 rather than 403/423:
 * the refusal is temporary and says when to come back, which is what 429 + Retry-After mean; it
 * is the same for a blocked IP and a blocked username, except for the detail.
 *
 * Attempts are reserved before they are checked (reserveAttempt), not counted after: reading the
 * counters, doing the cryptography and then counting the failure lets every request that arrives
 * before the first failure is counted through (50 parallel guesses against a limit of 5 got 17
 * cipherKey evaluations). A reservation takes one of the window's `limit` slots with a single
 * guarded update (`reserved < limit`, not blocked), so however many requests race, at most `limit`
 * attempts per counter and window get past it. The attempt then ends one of two ways:
 * - failed (attemptFailed): the slot stays taken and the failure is counted; the `limit`-th
 *   failure of the window imposes the block;
 * - succeeded (attemptSucceeded): the slot is given back, so successes never use up the budget;
 *   after a login the username's record is cleared as well.
 * At most `limit` checks of one address (or username) are thus in progress at once: a further
 * attempt waits briefly for a slot (SLOT_WAIT_MS) and is refused if none comes free. A slot whose
 * request died (process killed mid-check) would stay taken until the window ends; a full window
 * that nobody touched for STALE_RESERVATION_SECONDS gets its unsettled slots back.
 *
 * Every change is one single-document update (no transactions): the window is advanced by an
 * upsert guarded on the old window, a failure is counted only in the window its slot was taken in,
 * and a block is imposed by an update guarded on the level read, so concurrent failures impose one
 * block, not several.
 */
import { randomUUID } from 'node:crypto';
import type { Document } from 'mongodb';
import { storeSkip } from '../../store/paging.ts';
import type { LoginLockoutDoc, Store } from '../../store/collections.ts';
import type { IdentityError } from '../errors.ts';
import { isDuplicateKeyError } from '../errors.ts';
import { rateLimited } from './errors.ts';
import type { LockoutPolicy } from './policy.ts';

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
export function blockSeconds(config: LockoutPolicy, level: number): number {
  const cap = config.maxBlockSeconds;
  const seconds = config.initialBlockSeconds * 2 ** Math.min(level, 40);
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

export function blockedError(blocked: NonNullable<LockoutState['blocked']>): IdentityError {
  const what = blocked.kind === 'ip' ? 'from this address' : 'for this username';
  return rateLimited(`Too many failed attempts ${what}; try again in ${blocked.retryAfterSeconds} s`, blocked.retryAfterSeconds);
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

/** No check holds a slot this long: a full window untouched for longer has slots of dead requests. */
export const STALE_RESERVATION_SECONDS = 60;
/** How long an attempt waits for a slot held by a check in progress before it is refused. */
export const SLOT_WAIT_MS = 3000;
const SLOT_POLL_MS = 10;

interface Counter {
  kind: LockoutKind;
  key: string;
  limit: number;
  windowSeconds: number;
}

function countersOf(config: LockoutPolicy, subject: LoginSubject): Counter[] {
  const counters: Counter[] = [{ kind: 'ip', key: subject.ip, limit: config.ipAttemptsLimit, windowSeconds: config.ipWindowSeconds }];
  if (subject.usernameKey !== null) {
    counters.push({ kind: 'user', key: subject.usernameKey, limit: config.userAttemptsLimit, windowSeconds: config.userWindowSeconds });
  }
  return counters;
}

/** How long a record is remembered after its last change (the doubling of blocks lives that long). */
function memoryUntil(config: LockoutPolicy, windowSeconds: number, now: Date): Date {
  return new Date(now.getTime() + (Math.max(windowSeconds, config.maxBlockSeconds) + config.maxBlockSeconds) * 1000);
}

/** Matches records with no block in force (null, or a block that is over). */
const notBlocked = (now: Date) => ({ blockedUntil: { $not: { $gt: now } } });

/** One slot taken in one counter's window (the window is named by its start and the block level). */
interface Slot extends Counter {
  _id: string;
  windowStart: Date;
  level: number;
}

/** An attempt that holds a slot in each of its counters until it is settled. */
export interface HeldAttempt {
  readonly subject: LoginSubject;
  readonly config: LockoutPolicy;
  readonly slots: readonly Slot[];
  settled: boolean;
}

type SlotOutcome = { slot: Slot } | { blocked: NonNullable<LockoutState['blocked']> };

/** A field path in an aggregation expression (`$name`): the value of that field of the record. */
const field = (name: keyof LoginLockoutDoc | 'fresh' | 'take') => `$${name}`;

/** Dates before any window: a record reset by a login starts its next window with the next attempt. */
const NO_WINDOW = new Date(0);

/**
 * The one guarded update that takes a slot: on a record with no block in force (created if there is
 * none), either the window is over and a new one starts with this attempt (the level is kept), or
 * the window has a free slot and this attempt takes it, or the window is full and nothing changes.
 * The record says which happened: `reservation` is this attempt's marker only if it took a slot.
 * An aggregation-pipeline update, so that the three cases are one command, not a try of each;
 * every value from outside is a `$literal` (a username may begin with `$`).
 */
function takeSlotUpdate(c: Counter, subject: LoginSubject, marker: string, now: Date, windowFloor: Date, expiresAt: Date): Document[] {
  const lit = (value: unknown) => ({ $literal: value });
  const userId = c.kind === 'user' && subject.userId != null ? lit(subject.userId) : { $ifNull: [field('userId'), null] };
  return [
    { $set: { fresh: { $lte: [{ $ifNull: [field('windowStart'), NO_WINDOW] }, lit(windowFloor)] } } },
    { $set: { take: { $or: [field('fresh'), { $lt: [{ $ifNull: [field('reserved'), 0] }, c.limit] }] } } },
    {
      $set: {
        tenantId: lit(subject.tenantId),
        kind: lit(c.kind),
        subject: lit(c.key),
        userId,
        failures: { $cond: [field('fresh'), 0, { $ifNull: [field('failures'), 0] }] },
        reserved: { $cond: [field('fresh'), 1, { $add: [{ $ifNull: [field('reserved'), 0] }, { $cond: [field('take'), 1, 0] }] }] },
        windowStart: { $cond: [field('fresh'), lit(now), field('windowStart')] },
        level: { $ifNull: [field('level'), 0] },
        blockedAt: { $ifNull: [field('blockedAt'), null] },
        blockedUntil: { $ifNull: [field('blockedUntil'), null] },
        blockSeconds: { $ifNull: [field('blockSeconds'), 0] },
        reservation: { $cond: [field('take'), lit(marker), { $ifNull: [field('reservation'), null] }] },
        updatedAt: { $cond: [field('take'), lit(now), field('updatedAt')] },
        expiresAt: { $cond: [field('take'), lit(expiresAt), field('expiresAt')] },
      },
    },
    { $unset: ['fresh', 'take'] },
  ];
}

async function reserveSlot(store: Store, config: LockoutPolicy, subject: LoginSubject, c: Counter, clock: () => Date, waitUntil: number): Promise<SlotOutcome> {
  const _id = lockoutId(subject.tenantId, c.kind, c.key);
  const blockedOutcome = (doc: LoginLockoutDoc, now: Date): SlotOutcome => ({
    blocked: { kind: c.kind, retryAfterSeconds: Math.max(1, Math.ceil((doc.blockedUntil!.getTime() - now.getTime()) / 1000)) },
  });
  for (let contention = 0; contention < 4; ) {
    const now = clock();
    const windowFloor = new Date(now.getTime() - c.windowSeconds * 1000);
    const marker = randomUUID();
    let current: LoginLockoutDoc | null;
    try {
      current = await store.loginLockouts.findOneAndUpdate({ _id, ...notBlocked(now) }, takeSlotUpdate(c, subject, marker, now, windowFloor, memoryUntil(config, c.windowSeconds, now)), {
        upsert: true,
        returnDocument: 'after',
      });
    } catch (error) {
      // The record exists and is blocked (the filter excludes it, so the upsert collides with it).
      if (!isDuplicateKeyError(error)) throw error;
      current = await store.loginLockouts.findOne({ _id });
      if (current !== null && current.blockedUntil !== null && current.blockedUntil > now) return blockedOutcome(current, now);
      contention++; // the block ended between the two commands: again
      continue;
    }
    if (current === null) {
      contention++;
      continue;
    }
    if (current.reservation === marker) return { slot: { ...c, _id, windowStart: current.windowStart, level: current.level } };
    // The window is full.
    const inFlight = current.reserved > current.failures;
    if (inFlight && now.getTime() - current.updatedAt.getTime() >= STALE_RESERVATION_SECONDS * 1000) {
      // Slots of requests that never settled: give them back, then try again.
      await store.loginLockouts.updateOne({ _id, windowStart: current.windowStart, updatedAt: current.updatedAt }, { $set: { reserved: current.failures } });
      continue;
    }
    if (inFlight && Date.now() < waitUntil) {
      // Every slot is held by an attempt being checked. Each one ends within milliseconds: as a
      // success it frees its slot (honest users behind one address logging in at once), as a
      // failure it brings the block nearer. Wait for that instead of refusing at once.
      await new Promise((resolve) => setTimeout(resolve, SLOT_POLL_MS));
      continue;
    }
    // Every slot is taken by failures, or by checks that did not end in time.
    return { blocked: { kind: c.kind, retryAfterSeconds: 1 } };
  }
  // Still contended after several rounds: refuse rather than check unreserved.
  return { blocked: { kind: c.kind, retryAfterSeconds: 1 } };
}

/**
 * Takes a slot for this attempt in the IP's counter and, when a username is named, the username's,
 * BEFORE any cryptographic work. Refuses with 429 when a block is in force or the window's slots
 * are all taken by failures; while some are held by checks in progress it waits for them (up to
 * `waitMs`), so more honest attempts than `limit` at once from one address are served in turn
 * rather than refused. On a refusal a slot already taken is given back (nothing was checked).
 */
export async function reserveAttempt(
  store: Store,
  config: LockoutPolicy,
  subject: LoginSubject,
  now?: Date,
  options: { waitMs?: number } = {},
): Promise<HeldAttempt> {
  const clock = () => now ?? new Date();
  const waitUntil = Date.now() + (options.waitMs ?? SLOT_WAIT_MS);
  const slots: Slot[] = [];
  for (const c of countersOf(config, subject)) {
    const outcome = await reserveSlot(store, config, subject, c, clock, waitUntil);
    if ('blocked' in outcome) {
      await giveBack(store, slots);
      throw blockedError(outcome.blocked);
    }
    slots.push(outcome.slot);
  }
  return { subject, config, slots, settled: false };
}

/** One command for every slot: each record is still updated on its own guard (its window, its level), atomically. */
async function giveBack(store: Store, slots: readonly Slot[]): Promise<void> {
  if (slots.length === 0) return;
  const guards = slots.map((s) => ({ _id: s._id, windowStart: s.windowStart, level: s.level, reserved: { $gt: 0 } }));
  await store.loginLockouts.updateMany(guards.length === 1 ? guards[0]! : { $or: guards }, { $inc: { reserved: -1 } });
}

/**
 * The attempt failed: each slot becomes a counted failure in the window it was taken in (a window
 * that has since ended or been cleared by a success is left alone). Returns the blocks imposed.
 */
export async function attemptFailed(store: Store, attempt: HeldAttempt, options: { userId?: string | null } = {}, now = new Date()): Promise<ImposedBlock[]> {
  if (attempt.settled) return [];
  attempt.settled = true;
  const imposed: ImposedBlock[] = [];
  // The account behind the username (blocked-users lists only accounts), when known by now.
  const userId = options.userId ?? attempt.subject.userId ?? null;
  for (const s of attempt.slots) {
    const identity = s.kind === 'user' && userId !== null ? { userId } : {};
    const doc = await store.loginLockouts.findOneAndUpdate(
      { _id: s._id, windowStart: s.windowStart, level: s.level },
      { $inc: { failures: 1 }, $set: { updatedAt: now, expiresAt: memoryUntil(attempt.config, s.windowSeconds, now), ...identity } },
      { returnDocument: 'after' },
    );
    if (doc === null) continue;
    const seconds = await blockIfDue(store, attempt.config, doc, s.limit, s.windowSeconds, now);
    if (seconds !== null) imposed.push({ kind: s.kind, subject: s.key, seconds });
  }
  return imposed;
}

/**
 * The attempt succeeded: its slots are given back. `clearUser` (a completed login) also clears the
 * username's record: failures, block and doubling start afresh. The IP's record is never cleared.
 */
export async function attemptSucceeded(store: Store, attempt: HeldAttempt, options: { clearUser: boolean }): Promise<void> {
  if (attempt.settled) return;
  attempt.settled = true;
  const userSlots = attempt.slots.filter((s) => s.kind === 'user');
  if (options.clearUser && userSlots.length > 0) {
    await giveBackAndClearUser(store, attempt.slots.filter((s) => s.kind !== 'user'), userSlots);
    return;
  }
  await giveBack(store, attempt.slots);
}

/**
 * After a login, in one command: the IP's slot goes back (on its guard, as in giveBack) and the
 * username's record starts afresh whatever its window (no failures, no slots, no block, no
 * doubling; the next attempt opens a new window). Slots of the username's other attempts still in
 * progress then settle into nothing, as their window is gone.
 */
async function giveBackAndClearUser(store: Store, slots: readonly Slot[], userSlots: readonly Slot[]): Promise<void> {
  const guards = [
    ...slots.map((s) => ({ _id: s._id, windowStart: s.windowStart, level: s.level, reserved: { $gt: 0 } })),
    ...userSlots.map((s) => ({ _id: s._id })),
  ];
  const user = { $eq: [field('kind'), 'user'] };
  const cleared = (value: unknown, name: keyof LoginLockoutDoc) => ({ $cond: [user, { $literal: value }, field(name)] });
  await store.loginLockouts.updateMany(guards.length === 1 ? guards[0]! : { $or: guards }, [
    {
      $set: {
        reserved: { $cond: [user, 0, { $subtract: [field('reserved'), 1] }] },
        failures: cleared(0, 'failures'),
        level: cleared(0, 'level'),
        windowStart: cleared(NO_WINDOW, 'windowStart'),
        blockedAt: cleared(null, 'blockedAt'),
        blockedUntil: cleared(null, 'blockedUntil'),
        blockSeconds: cleared(0, 'blockSeconds'),
      },
    },
  ]);
}

/**
 * Gives the slots back without counting anything: for an attempt that ended in an unexpected error
 * (the caller's failures are settled by attemptFailed before the refusal is thrown).
 */
export async function releaseAttempt(store: Store, attempt: HeldAttempt): Promise<void> {
  if (attempt.settled) return;
  attempt.settled = true;
  await giveBack(store, attempt.slots);
}

/**
 * Imposes the block when `doc` (just counted) holds `limit` failures and no block is in force;
 * guarded on the level read, so of concurrent failures one imposes it. The block starts a new
 * window with no failures and no slots; slots of the old window settle into nothing.
 */
async function blockIfDue(store: Store, config: LockoutPolicy, doc: LoginLockoutDoc, limit: number, windowSeconds: number, now: Date): Promise<number | null> {
  if (doc.failures < limit) return null;
  if (doc.blockedUntil !== null && doc.blockedUntil > now) return null; // already blocked
  const seconds = blockSeconds(config, doc.level);
  const blockedUntil = new Date(now.getTime() + seconds * 1000);
  const blocked = await store.loginLockouts.findOneAndUpdate(
    { _id: doc._id, level: doc.level, ...notBlocked(now) },
    {
      $set: {
        blockedAt: now,
        blockedUntil,
        blockSeconds: seconds,
        failures: 0,
        reserved: 0,
        windowStart: now,
        updatedAt: now,
        expiresAt: new Date(blockedUntil.getTime() + config.maxBlockSeconds * 1000 + windowSeconds * 1000),
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
    store.loginLockouts.find(filter).sort({ blockedAt: direction, _id: direction }).skip(storeSkip(skip)).limit(options.pageSize).toArray(),
    store.loginLockouts.countDocuments(filter),
  ]);
  return { items, total, hasNext: skip + items.length < total };
}
