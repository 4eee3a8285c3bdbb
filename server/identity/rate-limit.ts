/**
 * A fixed-window rate limiter whose counters live in MongoDB, so a limit holds across every
 * gateway instance sharing the database.
 *
 * Each (key, window) is one document `{_id: "<key>|<windowStart>", count}` incremented by one
 * `findOneAndUpdate` with `upsert` and `$inc`: the database serialises the increments, so among N
 * concurrent hits exactly `limit` see a count ≤ limit, whichever instance sends them. Counters expire
 * through the TTL index one window after their window ends.
 *
 * Fixed windows allow up to 2 x limit around a window boundary; for credential checks (the use
 * here) that is acceptable, and it keeps every hit to a single atomic write.
 */
import type { Store } from '../store/collections.ts';
import type { Clock } from './clock.ts';
import { isDuplicateKeyError } from './errors.ts';

export interface RateLimitResult {
  allowed: boolean;
  /** Hits left in this window after this one. */
  remaining: number;
  /** Seconds until the window resets; 0 when allowed. */
  retryAfterSeconds: number;
  count: number;
}

export interface RateLimiter {
  /** Counts one hit on `key` (e.g. `login:ip:1.2.3.4`) and says whether it is within `limit` per `windowSeconds`. */
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>;
  /** Forgets every window of `key` (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

export function createRateLimiter(store: Store, clock: Clock): RateLimiter {
  return {
    async hit(key, limit, windowSeconds) {
      if (!(windowSeconds > 0) || !Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a non-negative integer and windowSeconds positive');
      const nowMs = clock().getTime();
      const windowMs = windowSeconds * 1000;
      const startMs = Math.floor(nowMs / windowMs) * windowMs;
      const endMs = startMs + windowMs;
      const _id = `${key}|${startMs}`;
      const increment = () =>
        store.rateLimits.findOneAndUpdate(
          { _id },
          { $inc: { count: 1 }, $setOnInsert: { key, windowStart: new Date(startMs), expiresAt: new Date(endMs + windowMs) } },
          { upsert: true, returnDocument: 'after' },
        );
      let doc;
      try {
        doc = await increment();
      } catch (error) {
        // Two concurrent upserts of a new _id: one inserts, the other may get 11000 on MongoDB;
        // the document now exists, so a retry is a plain increment.
        if (!isDuplicateKeyError(error)) throw error;
        doc = await increment();
      }
      const count = doc?.count ?? 1;
      const allowed = count <= limit;
      return {
        allowed,
        remaining: Math.max(0, limit - count),
        retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((endMs - nowMs) / 1000)),
        count,
      };
    },

    async reset(key) {
      await store.rateLimits.deleteMany({ key });
    },
  };
}
