/**
 * The embedded MongoDB engine: databases of collections in memory, commands dispatched by name,
 * every change journaled (when a data directory is set) before the command's reply is released,
 * and a TTL sweep that deletes expired documents as MongoDB's TTL monitor does.
 */
import { Collection, type JournalRecord } from './collection.ts';
import { CursorStore } from './cursors.ts';
import { MongoCommandError, notImplemented } from './errors.ts';
import { Journal, type JournalLogger } from './journal.ts';
import { normalizeNumbers, numericView } from './numbers.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';
import type { CommandHandler, CommandRequest, EngineContext } from './context.ts';
import type { IndexSpec } from './indexes.ts';
import { deepClone, type Doc } from './values.ts';
import * as admin from './commands/admin.ts';
import * as read from './commands/read.ts';
import * as write from './commands/write.ts';

export interface EngineOptions {
  /** Directory for snapshot and journal; in memory only when absent. */
  dataDir?: string;
  /** Period of the TTL sweep (MongoDB's is 60 s; here 1 s by default). */
  ttlIntervalMs?: number;
  /** Journal size that triggers compaction into a new snapshot. */
  maxJournalBytes?: number;
  logger?: JournalLogger;
}

const COMMANDS: Record<string, CommandHandler> = {
  hello: admin.hello,
  isMaster: admin.hello,
  ismaster: admin.hello,
  ping: admin.ping,
  buildInfo: admin.buildInfo,
  buildinfo: admin.buildInfo,
  getParameter: admin.getParameter,
  endSessions: admin.endSessions,
  create: admin.create,
  drop: admin.drop,
  dropDatabase: admin.dropDatabase,
  listCollections: admin.listCollections,
  listDatabases: admin.listDatabases,
  createIndexes: admin.createIndexes,
  listIndexes: admin.listIndexes,
  dropIndexes: admin.dropIndexes,
  find: read.find,
  getMore: read.getMore,
  killCursors: read.killCursors,
  count: read.count,
  distinct: read.distinct,
  aggregate: read.aggregate,
  insert: write.insert,
  update: write.update,
  delete: write.del,
  findAndModify: write.findAndModify,
  findandmodify: write.findAndModify,
};

/** The commands the engine answers (any other is NotImplemented). */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

const silentLogger: JournalLogger = { info() {}, warn() {}, error() {} };

export class Engine implements EngineContext {
  readonly cursors = new CursorStore();
  private readonly dbs = new Map<string, Map<string, Collection>>();
  private pending: JournalRecord[] = [];
  private replaying = false;
  private journal: Journal | undefined;
  private dataDirLock: DataDirLock | undefined;
  private ttlTimer: NodeJS.Timeout | undefined;
  private readonly logger: JournalLogger;
  private closed = false;

  private constructor(logger: JournalLogger) {
    this.logger = logger;
  }

  /** Opens an engine, replaying snapshot and journal from `dataDir` when given. */
  static async open(options: EngineOptions = {}): Promise<Engine> {
    const engine = new Engine(options.logger ?? silentLogger);
    if (options.dataDir) {
      // before anything in the directory is read or written: one process per data directory
      engine.dataDirLock = await lockDataDir(options.dataDir);
      const journal = new Journal(options.dataDir, () => engine.dumpState(), engine.logger, options.maxJournalBytes ?? 64 * 1024 * 1024);
      engine.replaying = true;
      try {
        journal.open((rec) => engine.applyRecord(rec));
      } catch (err) {
        await engine.dataDirLock.release();
        throw err;
      } finally {
        engine.replaying = false;
      }
      engine.journal = journal;
    }
    const interval = options.ttlIntervalMs ?? 1000;
    engine.ttlTimer = setInterval(() => {
      try {
        engine.sweep();
      } catch (err) {
        engine.logger.error(`embedded store: TTL sweep failed: ${(err as Error).stack ?? String(err)}`);
      }
    }, interval);
    engine.ttlTimer.unref();
    return engine;
  }

  /**
   * Runs one command for an in-process caller; the reply (`{ok: 1, ...}` or
   * `{ok: 0, code, errmsg}`) is a deep copy the caller may keep and change.
   */
  async execute(req: CommandRequest): Promise<Doc> {
    return deepClone(await this.run({ ...req, body: deepClone(req.body) }));
  }

  /**
   * Runs one command. The reply may share (never-mutated) stored documents: the wire server
   * serializes it at once, which is the copy. Resolves after the command's journal records
   * are on disk.
   */
  async run(req: CommandRequest): Promise<Doc> {
    let reply: Doc;
    try {
      reply = this.dispatch(req);
    } catch (err) {
      reply = err instanceof MongoCommandError ? err.toReply() : internalError(err, this.logger);
    }
    const records = this.pending;
    this.pending = [];
    if (records.length > 0 && this.journal) {
      try {
        await this.journal.append(records);
      } catch (err) {
        return internalError(err, this.logger);
      }
    }
    return reply;
  }

  private dispatch(req: CommandRequest): Doc {
    if (this.closed) throw new MongoCommandError('IllegalOperation', 'the embedded engine is shut down');
    const name = Object.keys(req.body)[0];
    // Transactions and retryable writes need sessions state the engine does not keep.
    for (const field of ['txnNumber', 'autocommit', 'startTransaction']) {
      if (req.body[field] !== undefined) throw notImplemented(`transactions and retryable writes ('${field}')`);
    }
    const handler = name === undefined ? undefined : COMMANDS[name];
    if (!handler) throw notImplemented(`command '${name}'`);
    return handler(this, req);
  }

  collection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  ensureCollection(db: string, name: string): { coll: Collection; created: boolean } {
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map()));
    const existing = colls.get(name);
    if (existing) return { coll: existing, created: false };
    if (name.includes('$') || name.startsWith('system.')) throw new MongoCommandError('InvalidNamespace', `Invalid collection name: ${name}`);
    const coll = new Collection(db, name, (rec) => this.record(rec));
    colls.set(name, coll);
    this.record({ o: 'c', db, c: name });
    return { coll, created: true };
  }

  collections(db: string): Collection[] {
    return Array.from(this.dbs.get(db)?.values() ?? []);
  }

  databases(): string[] {
    return Array.from(this.dbs.keys()).filter((db) => (this.dbs.get(db)?.size ?? 0) > 0);
  }

  dropCollection(db: string, name: string): Collection | undefined {
    const colls = this.dbs.get(db);
    const coll = colls?.get(name);
    if (!coll) return undefined;
    colls!.delete(name);
    this.record({ o: 'dc', db, c: name });
    return coll;
  }

  dropDatabase(db: string): void {
    if (this.dbs.delete(db)) this.record({ o: 'dd', db });
  }

  private record(rec: JournalRecord): void {
    if (!this.replaying) this.pending.push(rec);
  }

  /** Replays one journal or snapshot record (physical, so replay needs no re-evaluation). */
  private applyRecord(rec: Doc): void {
    const db = String(rec.db);
    const c = String(rec.c);
    switch (rec.o) {
      case 'c':
        this.ensureCollection(db, c);
        break;
      case 'i':
        this.ensureCollection(db, c).coll.createIndex(numericView(rec.spec) as IndexSpec, false);
        break;
      case 'xi':
        this.collection(db, c)?.indexes.delete(String(rec.name));
        break;
      case 'p':
        this.ensureCollection(db, c).coll.restorePut(normalizeNumbers(rec.d) as Doc);
        break;
      case 'd':
        this.collection(db, c)?.restoreDelete(normalizeNumbers(rec.id));
        break;
      case 'dc':
        this.dbs.get(db)?.delete(c);
        break;
      case 'dd':
        this.dbs.delete(db);
        break;
      default:
        throw new Error(`embedded store: unknown journal record ${JSON.stringify(rec.o)}`);
    }
  }

  /** The whole state as records, for a snapshot. */
  private *dumpState(): Iterable<Doc> {
    for (const [db, colls] of this.dbs) {
      for (const [c, coll] of colls) {
        yield { o: 'c', db, c };
        for (const index of coll.indexes.values()) yield { o: 'i', db, c, spec: index.spec };
        for (const d of coll.all()) yield { o: 'p', db, c, d };
      }
    }
  }

  /**
   * TTL: a document expires when the indexed field holds a date (the earliest, for an array)
   * older than now - expireAfterSeconds; documents without a date there never expire.
   */
  sweep(now = Date.now()): void {
    if (this.closed) return;
    this.cursors.expireIdle(now);
    for (const colls of this.dbs.values()) for (const coll of colls.values()) coll.expire(now);
    const records = this.pending;
    this.pending = [];
    if (records.length > 0 && this.journal) {
      this.journal.append(records).catch((err) => this.logger.error(`embedded store: TTL journal write failed: ${(err as Error).message}`));
    }
  }

  /** Stops the TTL sweep, flushes and closes the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ttlTimer) clearInterval(this.ttlTimer);
    this.cursors.clear();
    await this.journal?.close();
    await this.dataDirLock?.release();
  }
}

function internalError(err: unknown, logger: JournalLogger): Doc {
  const message = err instanceof Error ? err.message : String(err);
  logger.error(`embedded store: internal error: ${err instanceof Error ? err.stack : message}`);
  return { ok: 0, errmsg: `embedded engine internal error: ${message}`, code: 1, codeName: 'InternalError' };
}
