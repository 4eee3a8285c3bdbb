// The core's lockout (server/identity/lockout/), API-neutral: its counters live in MongoDB, so two
// gateway instances (two MongoClients on one database) count into the same records, concurrent
// failures from both impose exactly one block, and concurrent reservations from both never take
// more than the limit's slots. Refusals are the domain code `lockout.blocked` with the wait.
import test from 'ava';
import { IdentityError } from '../../server/identity/errors.ts';
import { startHarness, type Harness } from '../identity/_harness.ts';
import { attemptFailed, attemptSucceeded, lockoutState, reserveAttempt, STALE_RESERVATION_SECONDS } from '../../server/identity/lockout/attempts.ts';
import type { LockoutPolicy } from '../../server/identity/lockout/policy.ts';

/** The Vault's default block_config (specs/secrets-vault.yaml BlockConfig) as a policy. */
const DEFAULT_POLICY: LockoutPolicy = { ipAttemptsLimit: 5, ipWindowSeconds: 10080 * 60, userAttemptsLimit: 15, userWindowSeconds: 300, initialBlockSeconds: 60, maxBlockSeconds: 2880 * 60 };

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h?.close());

test('failures from two instances add up in one record and impose one block', async (t) => {
  const second = await h.secondStore();
  const stores = [h.store, second.store];
  const config = { ...DEFAULT_POLICY, userAttemptsLimit: 10, ipAttemptsLimit: 1000 };
  const now = new Date(Date.UTC(2030, 0, 1));
  const subject = { tenantId: 't1', ip: '192.0.2.9', usernameKey: 'alice', userId: 'u1' };
  const held = await Promise.all(Array.from({ length: 10 }, (_, i) => reserveAttempt(stores[i % 2]!, config, subject, now, { waitMs: 0 })));
  const imposed = await Promise.all(held.map((a, i) => attemptFailed(stores[(i + 1) % 2]!, a, {}, now)));
  t.is(imposed.flat().filter((b) => b.kind === 'user').length, 1, 'one block, whichever instance counted the tenth failure');
  const ip = await h.store.loginLockouts.findOne({ _id: 't1|ip|192.0.2.9' });
  t.is(ip?.failures, 10, 'no increment lost');
  // Further attempts from either instance are refused while the block lasts, with its wait.
  const refused = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => reserveAttempt(stores[i % 2]!, config, subject, now, { waitMs: 0 })));
  for (const r of refused) {
    t.is(r.status, 'rejected');
    if (r.status === 'rejected') t.like(r.reason, { code: 'lockout.blocked', details: { retryAfterSeconds: 60 } });
  }
  const user = await h.store.loginLockouts.findOne({ _id: 't1|user|alice' });
  t.is(user?.level, 1);
  t.is(user?.blockSeconds, 60);
  // Both instances see the block.
  for (const store of stores) t.deepEqual((await lockoutState(store, subject, now)).blocked, { kind: 'user', retryAfterSeconds: 60 });
  t.is((await lockoutState(second.store, subject, new Date(now.getTime() + 60_000))).blocked, null, 'over after initial_block_seconds');
});

test('reservations from two instances never hand out more than the limit; a success gives its slot back', async (t) => {
  const second = await h.secondStore();
  const stores = [h.store, second.store];
  const config = { ...DEFAULT_POLICY, ipAttemptsLimit: 10, userAttemptsLimit: 1000 };
  const now = new Date(Date.UTC(2030, 0, 2));
  const subject = { tenantId: 't2', ip: '192.0.2.10', usernameKey: 'bob', userId: 'u2' };
  const noWait = { waitMs: 0 };
  const outcomes = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => reserveAttempt(stores[i % 2]!, config, subject, now, noWait)));
  const held = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  t.is(held.length, 10, 'ten slots, whichever instance asked');
  for (const o of outcomes) if (o.status === 'rejected') t.true(o.reason instanceof IdentityError && o.reason.code === 'lockout.blocked');
  // One attempt succeeds: its slot is free again and exactly one more attempt gets in.
  await attemptSucceeded(second.store, held[0]!, { clearUser: false });
  await reserveAttempt(h.store, config, subject, now, noWait);
  await t.throwsAsync(reserveAttempt(second.store, config, subject, now, noWait));
  // The nine others fail; the slot taken after the success is still being checked.
  const rest = held.slice(1);
  const blocks = await Promise.all(rest.map((a, i) => attemptFailed(stores[i % 2]!, a, {}, now)));
  t.is(blocks.flat().length, 0, 'nine failures and one unsettled slot: no block yet');
  t.like(await h.store.loginLockouts.findOne({ _id: 't2|ip|192.0.2.10' }), { failures: 9, reserved: 10, level: 0 });
});

test('slots of requests that never settled come back once the full window has been quiet for a while', async (t) => {
  const config = { ...DEFAULT_POLICY, ipAttemptsLimit: 2, ipWindowSeconds: 3600 };
  const now = new Date(Date.UTC(2030, 0, 3));
  const subject = { tenantId: 't3', ip: '192.0.2.11', usernameKey: null };
  await reserveAttempt(h.store, config, subject, now);
  await reserveAttempt(h.store, config, subject, now); // both requests "died" holding their slots
  const full = await t.throwsAsync(reserveAttempt(h.store, config, subject, new Date(now.getTime() + 1000), { waitMs: 0 }));
  t.regex(full!.message, /from this address/);
  const later = new Date(now.getTime() + (STALE_RESERVATION_SECONDS + 1) * 1000);
  const attempt = await reserveAttempt(h.store, config, subject, later);
  t.is(attempt.slots.length, 1);
  t.like(await h.store.loginLockouts.findOne({ _id: 't3|ip|192.0.2.11' }), { failures: 0, reserved: 1 });
});

test('an attempt finding every slot held by checks in progress waits for one to end', async (t) => {
  const second = await h.secondStore();
  const config = { ...DEFAULT_POLICY, ipAttemptsLimit: 1, ipWindowSeconds: 3600 };
  const subject = { tenantId: 't4', ip: '192.0.2.12', usernameKey: null };
  const first = await reserveAttempt(h.store, config, subject);
  let granted = false;
  const waiting = reserveAttempt(second.store, config, subject, undefined, { waitMs: 60_000 }).then((a) => {
    granted = true;
    return a;
  });
  // The second attempt is waiting (the record shows one slot, held by the first).
  t.like(await h.store.loginLockouts.findOne({ _id: 't4|ip|192.0.2.12' }), { reserved: 1, failures: 0 });
  t.false(granted);
  await attemptSucceeded(h.store, first, { clearUser: false });
  const next = await waiting;
  t.is(next.slots.length, 1, 'the slot given back went to the waiting attempt');
  // Its failure fills the window (limit 1): the address is blocked, and a third attempt is refused at once.
  t.deepEqual((await attemptFailed(second.store, next)).map((b) => b.kind), ['ip']);
  await t.throwsAsync(reserveAttempt(h.store, config, subject, undefined, { waitMs: 60_000 }), { message: /from this address/ });
});

test('usernames and addresses that look like field paths or variables are counted as the strings they are', async (t) => {
  // The reservation is an aggregation-pipeline update, where a string beginning with `$` would name a field.
  const config = { ...DEFAULT_POLICY, userAttemptsLimit: 2, ipAttemptsLimit: 100 };
  const now = new Date(Date.UTC(2030, 0, 3));
  for (const usernameKey of ['$reserved', '$$NOW', '$windowStart.x']) {
    const subject = { tenantId: 't-dollar', ip: '$failures', usernameKey, userId: null };
    const first = await reserveAttempt(h.store, config, subject, now, { waitMs: 0 });
    await attemptFailed(h.store, first, {}, now);
    const record = await h.store.loginLockouts.findOne({ _id: `t-dollar|user|${usernameKey}` });
    t.like(record, { subject: usernameKey, kind: 'user', tenantId: 't-dollar', failures: 1, reserved: 1, userId: null });
    t.deepEqual(record?.windowStart, now);
    const second = await reserveAttempt(h.store, config, subject, now, { waitMs: 0 });
    t.deepEqual(await attemptFailed(h.store, second, {}, now), [{ kind: 'user', subject: usernameKey, seconds: 60 }], `the second failure of ${usernameKey} blocks it`);
    await t.throwsAsync(reserveAttempt(h.store, config, subject, now, { waitMs: 0 }), { message: /for this username/ });
  }
  t.like(await h.store.loginLockouts.findOne({ _id: 't-dollar|ip|$failures' }), { subject: '$failures', failures: 6 });
});
