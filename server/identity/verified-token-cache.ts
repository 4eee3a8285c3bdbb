/**
 * A bounded LRU of tokens whose signature was already checked, keyed by SHA-256 of the token, so a
 * client presenting the same bearer token on every request costs one hash, not one signature
 * verification. Only the signature result is reused: header, key and claim checks run again on a
 * hit (they are cheap), so a cached token is refused exactly when an uncached one would be.
 * Entries die at the token's `exp`.
 */
import { createHash } from 'node:crypto';
import type { ParsedJws } from './jws-compact.ts';

export interface CachedToken {
  parsed: ParsedJws;
  /** ms since the epoch after which the entry is useless. */
  expiresAtMs: number;
}

export class VerifiedTokenCache {
  private readonly entries = new Map<string, CachedToken>();
  constructor(private readonly maxEntries: number) {}

  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  get(key: string, nowMs: number): CachedToken | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAtMs <= nowMs) return undefined;
    this.entries.set(key, entry); // most recently used goes last
    return entry;
  }

  set(key: string, entry: CachedToken): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
