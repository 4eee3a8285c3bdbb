/**
 * The embedded engine on a worker thread of its own, so that the gateway's requests and the
 * engine's work (BSON, query evaluation, journal writes) use two cores. The gateway still
 * reaches it through the official driver over the wire protocol on loopback: the worker runs
 * the same listener, journal and data-directory lock as the inline mode (restartable.ts); only
 * the thread differs.
 *
 * - Log lines of the engine arrive by message and go to the caller's logger.
 * - Errors at start come back as the same classes and fields as inline (worker-messages.ts).
 * - `close()` has the worker flush and close its journal and release the lock, then ends the
 *   thread. While the listener is stopped and no request is pending the worker is unref'd, so
 *   it never keeps a process alive by itself (the inline listener behaves the same).
 * - A worker that ends unexpectedly (an uncaught error, `kill()`) closes every socket with it:
 *   the driver fails requests as database-unavailable (503) as when the store is stopped. It is
 *   logged; with a data directory a fresh worker replays snapshot and journal and listens on the
 *   same port again (capped backoff), as a supervised mongod would be restarted. In memory the
 *   data went with the thread, so it stays down (readiness fails) until `start()` or a restart
 *   of the gateway: serving an empty database silently would be worse.
 */
import { Worker } from 'node:worker_threads';
import type { JournalLogger } from './journal.ts';
import type { EmbeddedEngineHandle, EmbeddedEngineOptions } from './restartable.ts';
import { deserializeError, type WorkerInit, type WorkerListener, type WorkerMessage, type WorkerRequest } from './worker-messages.ts';

const FIRST_RESTART_DELAY_MS = 200;
const MAX_RESTART_DELAY_MS = 10_000;

/**
 * The worker's entry module, and the code that boots it. Under tsx (the gateway's `.ts`
 * modules) the worker registers tsx's ESM hooks before importing the entry: hooks registered in
 * the parent thread do not load `.ts` in a worker on Node 20, and a `--import tsx` inherited
 * through execArgv does not either.
 */
function bootCode(): string {
  const typescript = import.meta.url.endsWith('.ts');
  const entry = new URL(typescript ? './worker-entry.ts' : './worker-entry.js', import.meta.url).href;
  if (!typescript) return `import(${JSON.stringify(entry)});`;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
}

type ExitHandler = (code: number, error: Error | undefined) => void;

/** One worker thread and the requests in flight to it. */
class EngineThread {
  readonly worker: Worker;
  listening = false;
  exited = false;
  /** the host ended it on purpose (a failed open, close): not a crash */
  ending = false;
  private readonly pending = new Map<number, { resolve(listener: WorkerListener | undefined): void; reject(err: Error): void }>();
  private nextId = 1;
  private chain: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;

  constructor(options: EmbeddedEngineOptions, onExit: ExitHandler) {
    const { logger, ...plain } = options;
    const workerData: WorkerInit = { options: plain, log: logger !== undefined };
    this.worker = new Worker(bootCode(), { eval: true, workerData, name: 'embedded-store', execArgv: [] });
    this.worker.on('message', (message: WorkerMessage) => this.receive(message, logger));
    this.worker.on('error', (err) => {
      this.failure = err;
    });
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.listening = false;
      const reason = this.failure ?? new Error(`embedded store: the engine's worker thread ended (exit code ${code})`);
      for (const { reject } of this.pending.values()) reject(reason);
      this.pending.clear();
      onExit(code, this.failure);
    });
  }

  /** One request at a time, in order (the worker runs them one by one too). */
  request(op: WorkerRequest['op'], port = 0): Promise<WorkerListener | undefined> {
    const next = this.chain.then(() => this.send(op, port));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private send(op: WorkerRequest['op'], port: number): Promise<WorkerListener | undefined> {
    if (this.exited) return Promise.reject(this.failure ?? new Error('embedded store: the engine\'s worker thread has ended'));
    const id = this.nextId++;
    const done = new Promise<WorkerListener | undefined>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.refresh();
    this.worker.postMessage((op === 'open' ? { id, op, port } : { id, op }) satisfies WorkerRequest);
    return done.then(
      (listener) => {
        if (op === 'open' || op === 'start') this.listening = true;
        if (op === 'stop' || op === 'close') this.listening = false;
        this.refresh();
        return listener;
      },
      (err: unknown) => {
        this.refresh();
        throw err;
      },
    );
  }

  private receive(message: WorkerMessage, logger: JournalLogger | undefined): void {
    if ('log' in message) {
      logger?.[message.log](message.msg);
      return;
    }
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    if (message.ok) waiter.resolve(message.listener);
    else waiter.reject(deserializeError(message.error));
  }

  /** The thread keeps the process alive only while it listens or owes a reply. */
  private refresh(): void {
    if (this.exited) return;
    if (this.listening || this.pending.size > 0) this.worker.ref();
    else this.worker.unref();
  }
}

/**
 * The worker's word (or its exit) can overtake, on this thread's event loop, the closes of the
 * driver's sockets that it caused. A socket that has read the end of its stream is closed only
 * in a later close phase; a command written to it in between fails with EPIPE or waits for a
 * reply that never comes. Two full turns of the loop (timers run after the close phase) let the
 * closes land, so the caller's next command sees a closed pool (database-unavailable), as it
 * does inline, where the closes happen on this thread before stop() returns.
 */
async function socketsClosedHere(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Starts the engine on a worker thread, listening on a free loopback port. */
export async function startWorkerEngine(options: EmbeddedEngineOptions): Promise<EmbeddedEngineHandle> {
  const logger = options.logger;
  let current: EngineThread | undefined;
  let threadId = -1;
  let port = 0;
  let uri = '';
  /** the state the caller asked for: a crash while wanted brings a data directory back */
  let wanted = true;
  let closed = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let restartDelay = FIRST_RESTART_DELAY_MS;

  const spawn = async (): Promise<void> => {
    const thread = new EngineThread(options, (code, error) => onExit(thread, code, error));
    current = thread;
    try {
      const listener = (await thread.request('open', port)) as WorkerListener;
      port = listener.port;
      uri = listener.uri;
      threadId = listener.thread;
    } catch (err) {
      thread.ending = true;
      if (!thread.exited) await thread.worker.terminate();
      throw err;
    }
  };

  const onExit = (thread: EngineThread, code: number, error: Error | undefined): void => {
    if (thread !== current || thread.ending || closed) return;
    const why = error ? (error.stack ?? error.message) : `exit code ${code}`;
    if (!options.dataDir) {
      logger?.error(`embedded store: the engine's worker thread ended unexpectedly (${why}); its in-memory data is lost; requests fail as database-unavailable until the gateway is restarted`);
      return;
    }
    if (!wanted) {
      logger?.error(`embedded store: the stopped engine's worker thread ended unexpectedly (${why}); start() replays ${options.dataDir}`);
      return;
    }
    logger?.error(`embedded store: the engine's worker thread ended unexpectedly (${why}); requests fail as database-unavailable until it is back; restarting it from ${options.dataDir}`);
    scheduleRestart();
  };

  const scheduleRestart = (): void => {
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (closed || !wanted) return;
      spawn().then(
        () => {
          restartDelay = FIRST_RESTART_DELAY_MS;
          logger?.info(`embedded store: the engine is back on port ${port} (worker thread ${threadId}), replayed from ${options.dataDir}`);
        },
        (err: unknown) => {
          if (closed || !wanted) return;
          logger?.warn(`embedded store: restarting the engine failed (${(err as Error).message}); retrying in ${restartDelay} ms`);
          scheduleRestart();
          restartDelay = Math.min(MAX_RESTART_DELAY_MS, restartDelay * 2);
        },
      );
    }, restartDelay);
  };

  await spawn();
  const handle: EmbeddedEngineHandle = {
    uri,
    port,
    get thread() {
      return threadId;
    },
    get running() {
      return current?.listening ?? false;
    },
    async stop() {
      wanted = false;
      clearTimeout(restartTimer);
      if (current && !current.exited) await current.request('stop');
      await socketsClosedHere();
    },
    async start() {
      wanted = true;
      clearTimeout(restartTimer);
      if (current && !current.exited) await current.request('start');
      else await spawn();
    },
    async kill() {
      if (current && !current.exited) await current.worker.terminate();
      await socketsClosedHere();
    },
    async close() {
      if (closed) return;
      wanted = false;
      clearTimeout(restartTimer);
      const thread = current;
      if (!thread || thread.exited) {
        closed = true;
        return;
      }
      try {
        await thread.request('close');
      } finally {
        closed = true;
        thread.ending = true;
        await thread.worker.terminate();
      }
    },
  };
  return handle;
}
