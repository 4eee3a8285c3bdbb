/**
 * Server-side cursors: the rest of a result set kept under a 64-bit id until the driver drains it
 * with getMore, kills it, or leaves it idle past the timeout (MongoDB's default is 10 minutes).
 */
import { Long, calculateObjectSize } from 'bson';
import { MongoCommandError } from './errors.ts';
import type { Doc } from './values.ts';

/** MongoDB's first batch holds 101 documents unless the client asks otherwise. */
const DEFAULT_FIRST_BATCH = 101;
/** A reply stays well under the 48 MB message limit, as MongoDB caps batches at 16 MiB. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

interface OpenCursor {
  ns: string;
  docs: Doc[];
  pos: number;
  lastUsed: number;
  /** `noCursorTimeout`: kept until drained or killed, however long it idles. */
  noTimeout: boolean;
}

export interface Batch {
  id: Long;
  batch: Doc[];
}

export class CursorStore {
  private readonly open = new Map<number, OpenCursor>();
  /** Random start, so ids from a previous server life are unlikely to be taken for live ones. */
  private nextId = 1 + Math.floor(Math.random() * 2 ** 40);
  private readonly idleTimeoutMs: number;

  constructor(idleTimeoutMs = 10 * 60 * 1000) {
    this.idleTimeoutMs = idleTimeoutMs;
  }

  /** Returns the first batch; keeps a cursor when documents remain and more batches are wanted. */
  first(ns: string, docs: Doc[], batchSize: number | undefined, singleBatch: boolean, noTimeout = false): Batch {
    const size = batchSize && batchSize > 0 ? batchSize : DEFAULT_FIRST_BATCH;
    const batch = take(docs, 0, size);
    if (singleBatch || batch.length >= docs.length) return { id: Long.ZERO, batch };
    const id = this.nextId++;
    this.open.set(id, { ns, docs, pos: batch.length, lastUsed: Date.now(), noTimeout });
    return { id: Long.fromNumber(id), batch };
  }

  next(cursorId: unknown, ns: string, batchSize: number | undefined): Batch {
    const id = Number(cursorId);
    const cursor = this.open.get(id);
    if (!cursor || cursor.ns !== ns) throw new MongoCommandError('CursorNotFound', `cursor id ${id} not found`);
    const batch = take(cursor.docs, cursor.pos, batchSize && batchSize > 0 ? batchSize : Infinity);
    cursor.pos += batch.length;
    cursor.lastUsed = Date.now();
    if (cursor.pos >= cursor.docs.length) {
      this.open.delete(id);
      return { id: Long.ZERO, batch };
    }
    return { id: Long.fromNumber(id), batch };
  }

  kill(ids: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of ids) {
      const id = Number(raw);
      (this.open.delete(id) ? killed : notFound).push(Long.fromNumber(id));
    }
    return { killed, notFound };
  }

  expireIdle(now = Date.now()): void {
    for (const [id, cursor] of this.open) if (!cursor.noTimeout && now - cursor.lastUsed > this.idleTimeoutMs) this.open.delete(id);
  }

  clear(): void {
    this.open.clear();
  }
}

function take(docs: Doc[], from: number, count: number): Doc[] {
  const end = Math.min(docs.length, from + count);
  if (end - from <= DEFAULT_FIRST_BATCH) return docs.slice(from, end);
  const out: Doc[] = [];
  let bytes = 0;
  for (let i = from; i < end; i++) {
    bytes += calculateObjectSize(docs[i]);
    if (out.length > 0 && bytes > MAX_BATCH_BYTES) break;
    out.push(docs[i]);
  }
  return out;
}
