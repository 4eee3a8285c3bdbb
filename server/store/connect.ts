/**
 * Connects the gateway to its store: the MongoDB at `mongodbUri` (MONGODB_URI) when given,
 * otherwise the embedded engine started on a random loopback port (journaled in `dataDir`
 * when given). Either way the application talks to it through the official driver only.
 *
 * Driver options are chosen so that a database that goes away fails requests fast (the
 * gateway answers 503) instead of hanging, and so that it recovers by itself once the database
 * is back: server selection waits at most `serverSelectionTimeoutMS`, a dead socket is noticed
 * within `socketTimeoutMS`. Against the embedded engine, `directConnection` (one standalone
 * server, no discovery) and `retryWrites: false`: the engine presents itself as a standalone
 * server, which has no retryable writes in MongoDB either.
 *
 * The embedded engine runs on a worker thread of its own by default (engine/worker-host.ts), so
 * the gateway's requests and the engine's work use two cores; `engineThread: 'inline'` keeps it
 * on the caller's thread (STORE_THREAD=inline), which some benchmarks compare against.
 */
import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import type { EmbeddedStore } from './engine/restartable.ts';
import { startWorkerEngine } from './engine/worker-host.ts';
import type { JournalLogger } from './engine/journal.ts';

export type { EmbeddedStore } from './engine/restartable.ts';
export type EngineThread = 'worker' | 'inline';

export interface ConnectStoreOptions {
  /** A MongoDB connection string; the embedded engine is used when absent. */
  mongodbUri?: string;
  /** Embedded engine only: directory of its snapshot and journal (in memory when absent). */
  dataDir?: string;
  logger?: JournalLogger;
  /** Database name; default: the one in the URI, else `gateway`. */
  dbName?: string;
  serverSelectionTimeoutMS?: number;
  /** Embedded engine only: period of the TTL sweep (default 1000 ms). */
  ttlIntervalMs?: number;
  /** Embedded engine only: on a worker thread of its own (default) or on the caller's thread. */
  engineThread?: EngineThread;
  /** Extra driver options, applied last. */
  clientOptions?: MongoClientOptions;
}

export interface StoreConnection {
  client: MongoClient;
  db: Db;
  embedded?: EmbeddedStore;
  /** Closes the driver, then the embedded engine if there is one. */
  close(): Promise<void>;
}

const DEFAULT_DB = 'gateway';

function driverOptions(options: ConnectStoreOptions, embedded: boolean): MongoClientOptions {
  return {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 2000,
    connectTimeoutMS: 2000,
    socketTimeoutMS: 30_000,
    heartbeatFrequencyMS: 2000,
    maxPoolSize: 50,
    ...(embedded ? { directConnection: true, retryWrites: false, retryReads: true } : {}),
    ...options.clientOptions,
  };
}

export async function connectStore(options: ConnectStoreOptions = {}): Promise<StoreConnection> {
  if (options.mongodbUri) {
    const client = new MongoClient(options.mongodbUri, driverOptions(options, false));
    try {
      await client.connect();
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
    const db = client.db(options.dbName ?? (dbNameFromUri(options.mongodbUri) || DEFAULT_DB));
    return { client, db, close: () => client.close() };
  }

  const engineOptions = { dataDir: options.dataDir, ttlIntervalMs: options.ttlIntervalMs, logger: options.logger };
  // Inline only, the engine's modules (mingo, the commands) load on this thread.
  const engine =
    options.engineThread === 'inline'
      ? await (await import('./engine/restartable.ts')).startInlineEngine(engineOptions)
      : await startWorkerEngine(engineOptions);
  const shutdown = () => engine.close();
  const embedded: EmbeddedStore = engine;
  const client = new MongoClient(embedded.uri, driverOptions(options, true));
  try {
    await client.connect();
  } catch (err) {
    await shutdown();
    throw err;
  }
  const db = client.db(options.dbName ?? DEFAULT_DB);
  return {
    client,
    db,
    embedded,
    async close() {
      await client.close();
      await shutdown();
    },
  };
}

function dbNameFromUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]*)/.exec(uri);
  return match && match[1] ? decodeURIComponent(match[1]) : undefined;
}
