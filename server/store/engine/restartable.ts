/**
 * The embedded engine behind a stop/start handle, on the calling thread. This is what runs
 * inline (`engineThread: 'inline'`) and what the engine's worker thread runs (worker-entry.ts),
 * so both modes share one set of restart semantics: with a data directory each start is a fresh
 * engine that reloads from disk, like a real server restart; in memory, one engine outlives the
 * stops, so a restart keeps the data as a paused server would.
 */
import { threadId } from 'node:worker_threads';
import { Engine } from './engine.ts';
import { startEmbeddedMongo, type EmbeddedMongo } from './server.ts';
import type { JournalLogger } from './journal.ts';

export interface EmbeddedEngineOptions {
  /** Directory of the snapshot and journal (in memory when absent). */
  dataDir?: string;
  /** Period of the TTL sweep (default 1000 ms). */
  ttlIntervalMs?: number;
  logger?: JournalLogger;
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
  /** `worker_threads.threadId` of the thread the engine runs on (0: the gateway's main thread). */
  readonly thread: number;
  /**
   * Worker mode only: ends the engine's thread at once, as a crash would (nothing is flushed
   * beyond what was already acknowledged), and takes the crash path that follows.
   */
  kill?(): Promise<void>;
}

/** The handle plus the final shutdown (stop, then close the in-memory engine). */
export interface EmbeddedEngineHandle extends EmbeddedStore {
  close(): Promise<void>;
}

/** Opens the engine and starts its loopback listener on `port` (0: a free one). */
export async function startInlineEngine(options: EmbeddedEngineOptions, port = 0): Promise<EmbeddedEngineHandle> {
  const memoryEngine = options.dataDir ? undefined : await Engine.open({ ttlIntervalMs: options.ttlIntervalMs, logger: options.logger });
  const launch = (listenPort: number): Promise<EmbeddedMongo> =>
    startEmbeddedMongo({ port: listenPort, dataDir: options.dataDir, ttlIntervalMs: options.ttlIntervalMs, logger: options.logger, engine: memoryEngine });
  let current: EmbeddedMongo | undefined;
  try {
    current = await launch(port);
  } catch (err) {
    await memoryEngine?.close();
    throw err;
  }
  const { uri } = current;
  const boundPort = current.port;
  const handle: EmbeddedEngineHandle = {
    uri,
    port: boundPort,
    thread: threadId,
    get running() {
      return current !== undefined;
    },
    async stop() {
      const server = current;
      current = undefined;
      await server?.stop();
    },
    async start() {
      if (!current) current = await launch(boundPort);
    },
    async close() {
      await handle.stop();
      await memoryEngine?.close();
    },
  };
  return handle;
}
