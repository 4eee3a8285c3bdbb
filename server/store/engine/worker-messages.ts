/**
 * What the gateway's thread and the engine's worker thread say to each other (worker-host.ts,
 * worker-entry.ts): requests with an id and their replies, and log lines. Errors cross as plain
 * data and are rebuilt on the gateway's side with their own class and fields, so a caller tells
 * a locked data directory (DataDirLockedError) or a busy port (`code: 'EADDRINUSE'`) apart
 * exactly as it does when the engine runs inline.
 */
import { DataDirLockedError, type Holder } from './data-dir-lock.ts';
import type { EmbeddedEngineOptions } from './restartable.ts';

export interface WorkerInit {
  options: Omit<EmbeddedEngineOptions, 'logger'>;
  /** forward log lines (the caller gave a logger) */
  log: boolean;
}

export type WorkerRequest = { id: number; op: 'open'; port: number } | { id: number; op: 'start' | 'stop' | 'close' };

/** The listener as the worker reports it after `open`. */
export interface WorkerListener {
  uri: string;
  port: number;
  thread: number;
}

export type WorkerMessage =
  | { id: number; ok: true; listener?: WorkerListener }
  | { id: number; ok: false; error: SerializedError }
  | { log: 'info' | 'warn' | 'error'; msg: string };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  errno?: number;
  syscall?: string;
  address?: string;
  port?: number;
  dir?: string;
  holder?: Holder;
}

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const e = err as Error & Partial<SerializedError>;
  const out: SerializedError = { name: e.name, message: e.message, stack: e.stack };
  for (const key of ['code', 'errno', 'syscall', 'address', 'port', 'dir', 'holder'] as const) {
    if (e[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = e[key];
  }
  return out;
}

export function deserializeError(data: SerializedError): Error {
  if (data.name === 'DataDirLockedError' && data.dir !== undefined) {
    const locked = new DataDirLockedError(data.dir, data.holder);
    if (data.stack) locked.stack = data.stack;
    return locked;
  }
  const err = new Error(data.message) as Error & Partial<SerializedError>;
  err.name = data.name;
  if (data.stack) err.stack = data.stack;
  for (const key of ['code', 'errno', 'syscall', 'address', 'port'] as const) {
    if (data[key] !== undefined) (err as unknown as Record<string, unknown>)[key] = data[key];
  }
  return err;
}
