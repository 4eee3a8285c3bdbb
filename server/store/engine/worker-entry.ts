/**
 * The engine's worker thread: the same restartable engine the inline mode runs (restartable.ts),
 * driven by requests from the gateway's thread (worker-host.ts). Log lines go to the gateway's
 * logger by message; nothing here writes to the console.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startInlineEngine, type EmbeddedEngineHandle } from './restartable.ts';
import type { JournalLogger } from './journal.ts';
import { serializeError, type WorkerInit, type WorkerMessage, type WorkerRequest } from './worker-messages.ts';

const port = parentPort;
if (!port) throw new Error('worker-entry.ts runs only as the embedded engine worker thread');
const init = workerData as WorkerInit;
const send = (message: WorkerMessage): void => port.postMessage(message);
const logger: JournalLogger | undefined = init.log
  ? { info: (msg) => send({ log: 'info', msg }), warn: (msg) => send({ log: 'warn', msg }), error: (msg) => send({ log: 'error', msg }) }
  : undefined;

let handle: EmbeddedEngineHandle | undefined;

async function run(req: WorkerRequest): Promise<WorkerMessage> {
  switch (req.op) {
    case 'open':
      handle = await startInlineEngine({ ...init.options, logger }, req.port);
      return { id: req.id, ok: true, listener: { uri: handle.uri, port: handle.port, thread: handle.thread } };
    case 'start':
      await handle?.start();
      return { id: req.id, ok: true };
    case 'stop':
      await handle?.stop();
      return { id: req.id, ok: true };
    case 'close':
      await handle?.close();
      handle = undefined;
      return { id: req.id, ok: true };
  }
}

// Requests arrive one at a time from the host (it awaits each), so they never interleave.
port.on('message', (req: WorkerRequest) => {
  run(req).then(send, (err: unknown) => send({ id: req.id, ok: false, error: serializeError(err) }));
});
