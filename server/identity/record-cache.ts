/**
 * Records that nearly every request reads and that change rarely (tenants with their settings,
 * OAuth clients) are served from memory instead of one database command each time.
 *
 * The rule, which keeps several gateway instances on one database correct:
 * - an entry is served without any read for `ttlMs` (by the identity core's clock) after it was
 *   read or last confirmed;
 * - after that, the next use reads only the record's `version` and `updatedAt` (a projection of the
 *   same primary-key read); unchanged, the entry is confirmed for another `ttlMs`, otherwise the
 *   record is read again;
 * - every write through this instance drops the entry at once (`invalidate`), and bumps `version`
 *   (`VERSION_BUMP`), so other instances see a change within `ttlMs`.
 * Absent records are not remembered: a record created on another instance is found at once.
 *
 * Cached records are frozen and shared between requests: a caller that needs to change one
 * copies it.
 */
import type { Clock } from './clock.ts';

/** What every write to a cached collection adds to its update, so a revalidation sees the change. */
export const VERSION_BUMP = { $inc: { version: 1 } } as const;

export interface Versioned {
  version?: number;
  updatedAt?: Date;
}

interface Entry<V> {
  value: V;
  confirmedAtMs: number;
}

export interface RecordCacheOptions<V extends Versioned> {
  ttlMs: number;
  maxEntries: number;
  clock: Clock;
  /** the whole record */
  load(key: string): Promise<V | null>;
  /** only `version` and `updatedAt` of the record */
  stamp(key: string): Promise<Versioned | null>;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const sameStamp = (a: Versioned, b: Versioned) => (a.version ?? 0) === (b.version ?? 0) && (a.updatedAt?.getTime() ?? 0) === (b.updatedAt?.getTime() ?? 0);

export class RecordCache<V extends Versioned> {
  private readonly entries = new Map<string, Entry<V>>();
  /** bumped by every invalidation, so a read that started before one does not store its stale answer */
  private generation = 0;

  constructor(private readonly options: RecordCacheOptions<V>) {}

  async get(key: string): Promise<V | null> {
    const { ttlMs, clock } = this.options;
    const now = clock().getTime();
    const entry = this.entries.get(key);
    if (entry !== undefined && now - entry.confirmedAtMs < ttlMs) return entry.value;
    const generation = this.generation;
    if (entry !== undefined) {
      const stamp = await this.options.stamp(key);
      if (stamp !== null && sameStamp(stamp, entry.value) && this.generation === generation && this.entries.get(key) === entry) {
        entry.confirmedAtMs = now;
        return entry.value;
      }
    }
    const value = await this.options.load(key);
    if (value === null || ttlMs <= 0) {
      this.entries.delete(key);
      return value;
    }
    if (this.generation !== generation) return value; // changed meanwhile: serve it, do not keep it
    this.entries.delete(key);
    this.entries.set(key, { value: deepFreeze(value), confirmedAtMs: now });
    if (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  /** After a write through this instance: the next use reads the record again. */
  invalidate(key?: string): void {
    this.generation++;
    if (key === undefined) this.entries.clear();
    else this.entries.delete(key);
  }
}
