// Lockout counters live in MongoDB: two gateway instances (two MongoClients on one database) count
// into the same records, and concurrent failures from both impose exactly one block.
import test from 'ava';
import { startHarness, type Harness } from '../identity/_harness.ts';
import { DEFAULT_BLOCK_CONFIG } from '../../server/identity/vault/tenant-settings.ts';
import { lockoutState, recordFailure } from '../../server/identity/vault/lockout.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h?.close());

test('failures from two instances add up in one record and impose one block', async (t) => {
  const second = await h.secondStore();
  const stores = [h.store, second.store];
  const config = { ...DEFAULT_BLOCK_CONFIG, user_attempts_limit: 10, ip_attempts_limit: 1000 };
  const now = new Date(Date.UTC(2030, 0, 1));
  const subject = { tenantId: 't1', ip: '192.0.2.9', usernameKey: 'alice', userId: 'u1' };
  const imposed = await Promise.all(Array.from({ length: 40 }, (_, i) => recordFailure(stores[i % 2]!, config, subject, now)));
  t.is(imposed.flat().filter((b) => b.kind === 'user').length, 1, 'one block, whichever instance counted the tenth failure');
  const ip = await h.store.loginLockouts.findOne({ _id: 't1|ip|192.0.2.9' });
  t.is(ip?.failures, 40, 'no increment lost');
  const user = await h.store.loginLockouts.findOne({ _id: 't1|user|alice' });
  t.is(user?.level, 1);
  t.is(user?.blockSeconds, 60);
  // Both instances see the block.
  for (const store of stores) t.deepEqual((await lockoutState(store, subject, now)).blocked, { kind: 'user', retryAfterSeconds: 60 });
  t.is((await lockoutState(second.store, subject, new Date(now.getTime() + 60_000))).blocked, null, 'over after initial_block_seconds');
});
