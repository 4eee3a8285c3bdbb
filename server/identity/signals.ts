/**
 * The signal hub: long polls that wake up when a record changed on ANY gateway instance, with
 * instances sharing nothing but the store, at a database cost that does not grow with the number
 * of waiters.
 *
 * - A writer first changes its record (say, a login completes), then `publish(topic, key)`: it
 *   takes the next number of one counter (the `meta` document `signal-seq`, `$inc`) and inserts a
 *   signal `{topic, key, seq}`.
 * - Each instance runs at most ONE poller, and only while it has waiters: every `pollMs` it asks
 *   `signals.find({seq: {$gt: watermark}})` (the `seq` index) and wakes the local waiters of the
 *   (topic, key) pairs it reads. Waiters are a map keyed by topic and key, so a tick costs one query
 *   plus the signals that arrived, whether 1 or 10,000 clients wait.
 * - Taking a number and inserting are two operations, so a signal can land after a later one
 *   (a "hole" below the highest seq seen). The watermark only moves over contiguous numbers; a hole
 *   is waited for `holeGraceMs` (a writer that died between the two steps leaves one for good).
 * - Missed wake-ups are impossible by ordering: a waiter subscribes (which starts the poller and
 *   reads the counter as its first watermark) BEFORE it checks its record. A signal numbered at or
 *   below that watermark was taken after its record changed, so before the check, which sees the
 *   change; a signal numbered above it is read by a later tick, while the waiter is registered.
 *
 * A change stream would push instead of poll, but needs a replica set, and the embedded engine has
 * none; one indexed query per tick per instance runs on every deployment the gateway supports.
 */
import type { Logger } from 'pino';
import type { Collection } from 'mongodb';
import type { SignalDoc, Store } from '../store/collections.ts';
import type { Clock } from './clock.ts';

const COUNTER_ID = 'signal-seq';
/** Signals only need to outlive the longest wait (60 s) plus clock skew. */
const SIGNAL_TTL_MS = 10 * 60_000;
const BATCH = 1000;

export interface SignalHubOptions {
  store: Store;
  clock: Clock;
  logger?: Logger;
  /** Poll period while someone waits (default 100 ms). */
  pollMs?: number;
  /** How long a hole in the sequence is waited for (default 5 s). */
  holeGraceMs?: number;
}

export interface Subscription {
  /** Resolves true at the next signal for the key, false after `timeoutMs` or when `signal` aborts. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  close(): void;
}

export interface SignalHubStats {
  waiters: number;
  polls: number;
  signalsRead: number;
  watermark: number;
}

export interface SignalHub {
  publish(topic: string, key: string): Promise<void>;
  /** Registers interest in (topic, key); resolves once the poller's watermark is set. */
  subscribe(topic: string, key: string): Promise<Subscription>;
  stats(): SignalHubStats;
  stop(): void;
}

interface Waiter {
  /** set when a signal arrived while nobody was awaiting `next` */
  pending: boolean;
  wake: (() => void) | null;
}

export function createSignalHub(options: SignalHubOptions): SignalHub {
  const { store, clock, logger } = options;
  const pollMs = options.pollMs ?? 100;
  const holeGraceMs = options.holeGraceMs ?? 5000;
  const meta = store.meta as unknown as Collection<{ _id: string; value: number }>;
  const waiters = new Map<string, Set<Waiter>>();
  let count = 0;
  let watermark = -1; // -1: the poller is not running
  /** seqs read above the watermark (they may come again while a hole below them is open) */
  const seen = new Set<number>();
  /** first time each hole was noticed */
  const holes = new Map<number, number>();
  let starting: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const stats = { polls: 0, signalsRead: 0 };

  const mapKey = (topic: string, key: string) => `${topic}\u0000${key}`;

  const readCounter = async () => (await meta.findOne({ _id: COUNTER_ID }))?.value ?? 0;

  const deliver = (doc: SignalDoc) => {
    const set = waiters.get(mapKey(doc.topic, doc.key));
    if (!set) return;
    for (const w of set) {
      if (w.wake) w.wake();
      else w.pending = true;
    }
  };

  const advance = (maxSeen: number) => {
    const now = Date.now();
    for (let s = watermark + 1; s <= maxSeen; s++) {
      if (seen.has(s)) continue;
      if (!holes.has(s)) holes.set(s, now);
    }
    while (watermark < maxSeen) {
      const next = watermark + 1;
      if (seen.delete(next)) {
        watermark = next;
        holes.delete(next);
        continue;
      }
      const since = holes.get(next);
      if (since !== undefined && now - since >= holeGraceMs) {
        logger?.debug({ seq: next }, 'signal hub: skipping a sequence number that never arrived');
        holes.delete(next);
        watermark = next;
        continue;
      }
      break;
    }
  };

  const tick = async () => {
    timer = null;
    if (stopped || count === 0) {
      watermark = -1;
      seen.clear();
      holes.clear();
      return;
    }
    try {
      stats.polls++;
      const docs = await store.signals.find({ seq: { $gt: watermark } }).sort({ seq: 1 }).limit(BATCH).toArray();
      let maxSeen = watermark;
      for (const doc of docs) {
        if (doc.seq > maxSeen) maxSeen = doc.seq;
        if (seen.has(doc.seq)) continue;
        seen.add(doc.seq);
        stats.signalsRead++;
        deliver(doc);
      }
      advance(maxSeen);
    } catch (error) {
      if (!stopped) logger?.warn({ err: error }, 'signal hub: poll failed; retrying');
    }
    schedule();
  };

  const schedule = () => {
    if (timer === null && !stopped) {
      timer = setTimeout(() => void tick(), pollMs);
      timer.unref?.();
    }
  };

  const ensurePolling = async () => {
    if (watermark >= 0) return;
    starting ??= (async () => {
      try {
        watermark = await readCounter();
        schedule();
      } finally {
        starting = null;
      }
    })();
    await starting;
  };

  return {
    async publish(topic, key) {
      const counter = await meta.findOneAndUpdate({ _id: COUNTER_ID }, { $inc: { value: 1 } }, { upsert: true, returnDocument: 'after' });
      const seq = counter?.value;
      if (typeof seq !== 'number') throw new Error('signal counter did not return a value');
      const at = clock();
      await store.signals.insertOne({ _id: `${topic}|${seq}`, topic, key, seq, at, expiresAt: new Date(at.getTime() + SIGNAL_TTL_MS) });
    },

    async subscribe(topic, key) {
      const k = mapKey(topic, key);
      const waiter: Waiter = { pending: false, wake: null };
      let set = waiters.get(k);
      if (!set) waiters.set(k, (set = new Set()));
      set.add(waiter);
      count++;
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        count--;
        const current = waiters.get(k);
        current?.delete(waiter);
        if (current?.size === 0) waiters.delete(k);
      };
      try {
        await ensurePolling();
      } catch (error) {
        close();
        throw error;
      }
      return {
        next(timeoutMs, signal) {
          if (waiter.pending) {
            waiter.pending = false;
            return Promise.resolve(true);
          }
          return new Promise<boolean>((resolve) => {
            const finish = (value: boolean) => {
              clearTimeout(t);
              signal?.removeEventListener('abort', onAbort);
              waiter.wake = null;
              resolve(value);
            };
            const onAbort = () => finish(false);
            const t = setTimeout(() => finish(false), Math.max(0, timeoutMs));
            if (signal?.aborted) return finish(false);
            signal?.addEventListener('abort', onAbort, { once: true });
            waiter.wake = () => finish(true);
          });
        },
        close,
      };
    },

    stats: () => ({ waiters: count, ...stats, watermark }),

    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
