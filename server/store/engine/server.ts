/**
 * The loopback TCP server in front of the engine: frames messages off each socket, runs the
 * commands of one connection in order (as a MongoDB server does), and writes the replies.
 */
import net from 'node:net';
import { Engine, type EngineOptions } from './engine.ts';
import type { JournalLogger } from './journal.ts';
import { MAX_MESSAGE_BYTES, WireProtocolError, encodeReply, parseMessage } from './wire.ts';

export interface EmbeddedMongoOptions {
  dataDir?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  ttlIntervalMs?: number;
  maxJournalBytes?: number;
  logger?: JournalLogger;
  /**
   * Serve an engine the caller owns (in-memory state that outlives a stop/start of the
   * listener); stop() then leaves it open.
   */
  engine?: Engine;
}

export interface EmbeddedMongo {
  uri: string;
  port: number;
  host: string;
  engine: Engine;
  /** Closes the listener and every client socket, then flushes and closes the journal. */
  stop(): Promise<void>;
}

export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const host = options.host ?? '127.0.0.1';
  const ownsEngine = options.engine === undefined;
  const engineOptions: EngineOptions = {
    dataDir: options.dataDir,
    ttlIntervalMs: options.ttlIntervalMs,
    maxJournalBytes: options.maxJournalBytes,
    logger: options.logger,
  };
  const engine = options.engine ?? (await Engine.open(engineOptions));
  const sockets = new Set<net.Socket>();
  let connectionIds = 0;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    serveConnection(engine, socket, ++connectionIds, options.logger);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    if (ownsEngine) await engine.close();
    throw err;
  }
  const port = (server.address() as net.AddressInfo).port;
  let stopped: Promise<void> | undefined;

  return {
    uri: `mongodb://${host}:${port}/`,
    port,
    host,
    engine,
    stop() {
      stopped ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
        if (ownsEngine) await engine.close();
      })();
      return stopped;
    },
  };
}

function serveConnection(engine: Engine, socket: net.Socket, connectionId: number, logger?: JournalLogger): void {
  let buffer: Buffer = Buffer.alloc(0);
  let chain: Promise<void> = Promise.resolve();

  socket.on('data', (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4) {
      const length = buffer.readInt32LE(0);
      if (length < 21 || length > MAX_MESSAGE_BYTES) {
        logger?.warn(`embedded store: dropping connection ${connectionId}: invalid message length ${length}`);
        socket.destroy();
        return;
      }
      if (buffer.length < length) break;
      const message = buffer.subarray(0, length);
      buffer = buffer.subarray(length);
      chain = chain.then(() => handle(message)).catch((err: unknown) => {
        logger?.error(`embedded store: dropping connection ${connectionId}: ${(err as Error)?.stack ?? String(err)}`);
        socket.destroy();
      });
    }
  });

  async function handle(message: Buffer): Promise<void> {
    if (socket.destroyed) return;
    let cmd;
    try {
      cmd = parseMessage(message);
    } catch (err) {
      // Malformed framing or BSON: nothing sensible can be answered on this connection.
      const reason = err instanceof WireProtocolError ? err.message : `unreadable message (${(err as Error).message})`;
      logger?.warn(`embedded store: dropping connection ${connectionId}: ${reason}`);
      socket.destroy();
      return;
    }
    const reply = await engine.run({ db: cmd.db, body: cmd.body, connectionId });
    if (!cmd.moreToCome && !socket.destroyed) socket.write(encodeReply(cmd, reply));
  }
}
