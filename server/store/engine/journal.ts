/**
 * Durability for the embedded engine: a snapshot file plus an append-only journal in DATA_DIR.
 *
 * - Every acknowledged write command appends one frame (its physical records: put, delete, index
 *   and collection changes) and the frame is fdatasync'ed before the reply goes out. Frames
 *   queued in the same event-loop turn share one write and one fdatasync (group commit).
 * - Frame: uint32 LE body length, uint32 LE CRC-32 of the body, BSON body `{b: [records]}`.
 *   A crash mid-append leaves a torn last frame: at start it is detected (short or bad CRC),
 *   logged and cut off; everything before it is replayed.
 * - Compaction writes the whole state as a new snapshot (to a temporary file, fsync, rename,
 *   fsync of the directory), then starts a journal of the next epoch. The snapshot names its
 *   epoch, so a crash between rename and journal switch never replays a journal twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { calculateObjectSize, deserialize, serialize } from 'bson';
import type { Doc } from './values.ts';

export interface JournalLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const SNAPSHOT = 'snapshot.bson';
const journalName = (epoch: number): string => `journal-${epoch}.log`;
const FRAME_BYTES = 8 * 1024 * 1024;
// Values come back as bson wrote them (no promotion: an int64 or an integral double promoted to a
// JS number would come back from a restart as an int32); the engine brings them to its own
// representation as it applies each record (engine.ts applyRecord, numbers.ts).
const DESERIALIZE_OPTIONS = { promoteValues: false, promoteBuffers: false, bsonRegExp: false } as const;

function frame(body: Doc): Buffer {
  const bytes = serialize(body, { ignoreUndefined: true });
  const head = Buffer.allocUnsafe(8);
  head.writeUInt32LE(bytes.length, 0);
  head.writeUInt32LE(crc32(bytes), 4);
  return Buffer.concat([head, bytes]);
}

const writeAsync = (fd: number, data: Buffer, offset: number, length: number): Promise<number> =>
  new Promise((resolve, reject) => fs.write(fd, data, offset, length, null, (err, written) => (err ? reject(err) : resolve(written))));
const fdatasyncAsync = promisify(fs.fdatasync);

/** fs.writeSync may write less than asked; loop until all is written. */
function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
}

/** Frames for a list of records, split so that no frame nears BSON's 16 MiB document limit. */
function frames(records: Doc[]): Buffer[] {
  const out: Buffer[] = [];
  let chunk: Doc[] = [];
  let bytes = 0;
  for (const rec of records) {
    const size = calculateObjectSize(rec, { ignoreUndefined: true });
    if (chunk.length > 0 && bytes + size > FRAME_BYTES) {
      out.push(frame({ b: chunk }));
      chunk = [];
      bytes = 0;
    }
    chunk.push(rec);
    bytes += size;
  }
  if (chunk.length > 0) out.push(frame({ b: chunk }));
  return out;
}

/** Reads frames; returns the offset just past the last whole, intact frame. */
function readFrames(data: Buffer, onFrame: (body: Doc) => void): number {
  let pos = 0;
  while (pos + 8 <= data.length) {
    const len = data.readUInt32LE(pos);
    const sum = data.readUInt32LE(pos + 4);
    if (pos + 8 + len > data.length) break;
    const body = data.subarray(pos + 8, pos + 8 + len);
    if (crc32(body) !== sum) break;
    onFrame(deserialize(body, DESERIALIZE_OPTIONS));
    pos += 8 + len;
  }
  return pos;
}

interface Waiter {
  frames: Buffer[];
  resolve: () => void;
  reject: (err: Error) => void;
}

export class Journal {
  private readonly dir: string;
  private readonly logger: JournalLogger;
  private readonly maxBytes: number;
  private epoch = 0;
  private fd: number | undefined;
  private bytes = 0;
  private queue: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  /** Produces every record of the current state, for compaction. */
  private readonly dumpState: () => Iterable<Doc>;

  constructor(dir: string, dumpState: () => Iterable<Doc>, logger: JournalLogger, maxBytes: number) {
    this.dir = dir;
    this.dumpState = dumpState;
    this.logger = logger;
    this.maxBytes = maxBytes;
  }

  /** Replays snapshot and journal into `apply`, then compacts. Call once, before any append. */
  open(apply: (record: Doc) => void): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const snapshotPath = path.join(this.dir, SNAPSHOT);
    if (fs.existsSync(snapshotPath)) {
      const data = fs.readFileSync(snapshotPath);
      let header = true;
      const end = readFrames(data, (body) => {
        if (header) {
          this.epoch = Number(body.epoch);
          header = false;
          return;
        }
        for (const rec of body.b as Doc[]) apply(rec);
      });
      // The snapshot is only ever renamed into place whole; damage here is not a torn append.
      if (end !== data.length || header) throw new Error(`embedded store: snapshot ${snapshotPath} is damaged (valid up to byte ${end} of ${data.length})`);
    }
    const journalPath = path.join(this.dir, journalName(this.epoch));
    if (fs.existsSync(journalPath)) {
      const data = fs.readFileSync(journalPath);
      let frames = 0;
      const end = readFrames(data, (body) => {
        frames++;
        for (const rec of body.b as Doc[]) apply(rec);
      });
      if (end !== data.length) {
        this.logger.warn(`embedded store: journal ${journalPath} has a torn tail of ${data.length - end} bytes after ${frames} intact writes; it is skipped (a write interrupted before it was acknowledged)`);
      }
    }
    this.compact();
  }

  get size(): number {
    return this.bytes;
  }

  /** Resolves once the records are on disk (fdatasync). */
  append(records: Doc[]): Promise<void> {
    if (this.closed || this.fd === undefined) return Promise.reject(new Error('embedded store journal is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ frames: frames(records), resolve, reject });
      this.kick();
    });
  }

  /**
   * Group commit off the event loop: one flush at a time writes everything queued (the appends
   * of the current turn, then whatever arrived while the previous fdatasync ran), so the
   * gateway keeps serving while the disk syncs.
   */
  private kick(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      while (this.queue.length > 0 && this.fd !== undefined) await this.flushOnce(this.fd);
    })().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0 && !this.closed) this.kick();
    });
  }

  private async flushOnce(fd: number): Promise<void> {
    const waiters = this.queue;
    this.queue = [];
    try {
      const data = Buffer.concat(waiters.flatMap((w) => w.frames));
      let off = 0;
      while (off < data.length) off += await writeAsync(fd, data, off, data.length - off);
      await fdatasyncAsync(fd);
      this.bytes += data.length;
    } catch (err) {
      this.logger.error(`embedded store: journal write failed: ${(err as Error).message}`);
      for (const w of waiters) w.reject(err as Error);
      return;
    }
    for (const w of waiters) w.resolve();
    if (this.bytes > this.maxBytes) {
      try {
        this.compact();
      } catch (err) {
        this.logger.error(`embedded store: compaction failed, journal kept: ${(err as Error).message}`);
      }
    }
  }

  /** Writes the state as a snapshot of the next epoch and starts that epoch's empty journal. */
  compact(): void {
    const next = this.epoch + 1;
    const tmp = path.join(this.dir, `${SNAPSHOT}.tmp`);
    const fd = fs.openSync(tmp, 'w');
    try {
      writeAll(fd, frame({ epoch: next }));
      let chunk: Doc[] = [];
      for (const rec of this.dumpState()) {
        chunk.push(rec);
        if (chunk.length >= 1000) {
          for (const f of frames(chunk)) writeAll(fd, f);
          chunk = [];
        }
      }
      for (const f of frames(chunk)) writeAll(fd, f);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(this.dir, SNAPSHOT));
    this.syncDir();
    const previous = this.epoch;
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.epoch = next;
    this.fd = fs.openSync(path.join(this.dir, journalName(next)), 'a');
    this.bytes = 0;
    for (const name of fs.readdirSync(this.dir)) {
      const m = /^journal-(\d+)\.log$/.exec(name);
      if (m && Number(m[1]) !== next) fs.rmSync(path.join(this.dir, name), { force: true });
    }
    this.syncDir();
    if (previous !== 0) this.logger.info(`embedded store: compacted into snapshot epoch ${next}`);
  }

  private syncDir(): void {
    const dfd = fs.openSync(this.dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  }

  /** Writes what is queued, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing) await this.flushing;
    if (this.fd !== undefined && this.queue.length > 0) await this.flushOnce(this.fd);
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
