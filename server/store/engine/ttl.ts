/**
 * Expiry bookkeeping for one TTL index: a min-heap of (expiry time, document id) so that a
 * sweep touches only the documents whose time has come instead of scanning the collection.
 * Entries are never removed on update or delete (a fresh one is pushed for the new value);
 * a popped entry is checked against the document as it is now, and the heap is rebuilt when
 * stale entries outnumber live documents.
 */
import { pathValues, type Doc } from './values.ts';

/** The earliest date a TTL field holds (arrays: the smallest), or undefined: never expires. */
export function earliestDate(doc: Doc, field: string): number | undefined {
  let earliest: number | undefined;
  for (const v of pathValues(doc, field)) {
    if (v instanceof Date && (earliest === undefined || v.getTime() < earliest)) earliest = v.getTime();
  }
  return earliest;
}

export class ExpiryHeap {
  private readonly times: number[] = [];
  private readonly ids: string[] = [];

  get size(): number {
    return this.times.length;
  }

  push(time: number, id: string): void {
    let i = this.times.length;
    this.times.push(time);
    this.ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.times[parent] <= time) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes and returns the ids of every entry with time <= cutoff. */
  popUntil(cutoff: number): string[] {
    const out: string[] = [];
    while (this.times.length > 0 && this.times[0] <= cutoff) {
      out.push(this.ids[0]);
      const lastTime = this.times.pop()!;
      const lastId = this.ids.pop()!;
      if (this.times.length === 0) break;
      this.times[0] = lastTime;
      this.ids[0] = lastId;
      this.siftDown(0);
    }
    return out;
  }

  clear(): void {
    this.times.length = 0;
    this.ids.length = 0;
  }

  private siftDown(i: number): void {
    const n = this.times.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < n && this.times[l] < this.times[smallest]) smallest = l;
      if (r < n && this.times[r] < this.times[smallest]) smallest = r;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(a: number, b: number): void {
    [this.times[a], this.times[b]] = [this.times[b], this.times[a]];
    [this.ids[a], this.ids[b]] = [this.ids[b], this.ids[a]];
  }
}
