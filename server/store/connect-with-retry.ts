/**
 * The store may not answer when the gateway starts (MongoDB still starting, a failover, a wrong
 * MONGODB_URI). The gateway is already listening then, alive but not ready, so an orchestrator
 * sees a not-ready instance instead of a crash loop. This keeps connecting with capped
 * exponential backoff, one log line per attempt (what, where, what to check; no stack), until
 * the store answers or the start is abandoned. Anything that is not an outage (a data directory
 * held by another process, a bad URI) fails at once.
 */
import type { Logger } from 'pino';
import { connectStore, type ConnectStoreOptions, type StoreConnection } from './connect.ts';
import { isDatabaseUnavailable } from '../http/to-gateway-error.ts';

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/** The URI without credentials, for logs. */
export function redactUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/]*@/, '$1***@');
}

function abortable(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `prepare` (creating indexes, say) runs inside the retry: a store that answers the handshake
 * and then goes away again is one more failed attempt, not a failed start.
 */
export async function connectStoreWithRetry(
  options: ConnectStoreOptions,
  log: Logger,
  signal?: AbortSignal,
  prepare: (connection: StoreConnection) => Promise<void> = async () => undefined,
): Promise<StoreConnection> {
  const where = options.mongodbUri ? `MongoDB at ${redactUri(options.mongodbUri)}` : 'the embedded store';
  for (let attempt = 1, delay = FIRST_DELAY_MS; ; attempt++, delay = Math.min(MAX_DELAY_MS, delay * 2)) {
    let connection: StoreConnection | undefined;
    try {
      connection = await connectStore(options);
      await prepare(connection);
      if (attempt > 1) log.info({ attempt }, `store: connected to ${where}`);
      return connection;
    } catch (err) {
      await connection?.close().catch(() => undefined);
      if (!isDatabaseUnavailable(err)) throw err;
      log.warn(
        { attempt, retryInMs: delay },
        `store: ${where} does not answer (${(err as Error).message.split('\n')[0]}); check that it is running and reachable, and MONGODB_URI; retrying in ${delay} ms`,
      );
      await abortable(delay, signal);
    }
  }
}
