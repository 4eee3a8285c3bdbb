import test from 'ava';
import { createRateLimiter } from '../../server/identity/rate-limit.ts';
import { ManualClock, startHarness, type Harness } from './_harness.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(() => h?.close());

test('the limit holds across two gateway instances with their own MongoClients: exactly `limit` of N concurrent hits pass', async (t) => {
  const clock = new ManualClock();
  const second = await h.secondStore();
  const limiters = [createRateLimiter(h.store, clock.now), createRateLimiter(second.store, clock.now)];
  const limit = 7;
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => limiters[i % 2].hit('login:ip:192.0.2.1', limit, 300)));
  t.is(results.filter((r) => r.allowed).length, limit);
  // Every hit got its own count: the increments were serialised, none lost.
  t.deepEqual(results.map((r) => r.count).sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i + 1));
  for (const refused of results.filter((r) => !r.allowed)) {
    t.is(refused.remaining, 0);
    t.true(refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 300);
  }
});

test('a new window starts a new count; keys are independent; reset forgets a key', async (t) => {
  const clock = new ManualClock(Date.UTC(2030, 0, 1, 0, 0, 0));
  const limiter = createRateLimiter(h.store, clock.now);
  t.deepEqual(await limiter.hit('user:alice', 2, 60), { allowed: true, remaining: 1, retryAfterSeconds: 0, count: 1 });
  t.true((await limiter.hit('user:alice', 2, 60)).allowed);
  clock.advance(15);
  t.deepEqual(await limiter.hit('user:alice', 2, 60), { allowed: false, remaining: 0, retryAfterSeconds: 45, count: 3 });
  t.true((await limiter.hit('user:bob', 2, 60)).allowed);
  clock.advance(45);
  t.true((await limiter.hit('user:alice', 2, 60)).allowed);
  t.true((await limiter.hit('user:alice', 2, 60)).allowed);
  t.false((await limiter.hit('user:alice', 2, 60)).allowed);
  await limiter.reset('user:alice');
  t.true((await limiter.hit('user:alice', 2, 60)).allowed);
  t.is(await h.store.rateLimits.countDocuments({ key: 'user:alice' }), 1);
});
