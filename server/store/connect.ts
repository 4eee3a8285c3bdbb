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
 */
import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import { Engine } from './engine/engine.ts';
import { startEmbeddedMongo, type EmbeddedMongo } from './engine/server.ts';
import type { JournalLogger } from './engine/journal.ts';

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
  /** Extra driver options, applied last. */
  clientOptions?: MongoClientOptions;
}

/** Control of the embedded engine, for operations and for tests that take the database away. */
export interface EmbeddedStore {
  uri: string;
  port: number;
  /** Stops the engine (every client socket is closed, the journal flushed). */
  stop(): Promise<void>;
  /** Starts it again on the same port (and data directory): the driver reconnects by itself. */
  start(): Promise<void>;
  readonly running: boolean;
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

  const { embedded, shutdown } = await startEmbeddedStore(options);
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

/**
 * Starts the embedded engine behind a stop/start handle. With a data directory each start is a
 * fresh engine that reloads from disk, like a real server restart; in memory, one engine
 * outlives the stops, so a restart keeps the data as a paused server would.
 */
async function startEmbeddedStore(options: ConnectStoreOptions): Promise<{ embedded: EmbeddedStore; shutdown(): Promise<void> }> {
  const memoryEngine = options.dataDir ? undefined : await Engine.open({ ttlIntervalMs: options.ttlIntervalMs, logger: options.logger });
  const launch = (port: number): Promise<EmbeddedMongo> =>
    startEmbeddedMongo({ port, dataDir: options.dataDir, ttlIntervalMs: options.ttlIntervalMs, logger: options.logger, engine: memoryEngine });
  let current: EmbeddedMongo | undefined = await launch(0);
  const { uri, port } = current;
  const embedded: EmbeddedStore = {
    uri,
    port,
    get running() {
      return current !== undefined;
    },
    async stop() {
      const server = current;
      current = undefined;
      await server?.stop();
    },
    async start() {
      if (!current) current = await launch(port);
    },
  };
  return {
    embedded,
    async shutdown() {
      await embedded.stop();
      await memoryEngine?.close();
    },
  };
}

function dbNameFromUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]*)/.exec(uri);
  return match && match[1] ? decodeURIComponent(match[1]) : undefined;
}
