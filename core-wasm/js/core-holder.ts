// The hot-swap holder: the one place the gateway asks for the current crypto core (core-wasm/README.md,
// Hot swap; docs/architecture.md, Crypto core).
//
// A candidate module is taken only after it compiles, exports the full ABI of ABI_VERSION,
// passes the known answers (known-answers.ts) and agrees with the reference on a randomized
// differential run (differential.ts). Then the switch is one assignment.
//
// Why calls in flight finish on the old instance: every primitive is a synchronous JS call into
// WebAssembly, so no swap can interleave with a call already running (JS runs to completion).
// A caller that took `current()` before an `await` keeps that object, and the old instance it
// wraps stays alive and correct for as long as it is referenced (nothing is torn down on swap).
// New calls that ask `current()` after the switch get the new core.
//
// Every swap, rollback, refusal, reload and fallback is an event kept in memory (the last 200)
// and passed to listeners, so the gateway can persist it.
import { readFile } from 'node:fs/promises';
import { runDifferential, type DifferentialOptions } from './differential.ts';
import { runKnownAnswers } from './known-answers.ts';
import { createReferenceCore } from './reference-core.ts';
import { ABI_VERSION, type CryptoCore } from './types.ts';
import { loadWasmCore, REQUIRED_EXPORTS } from './wasm-core.ts';

export type CoreEventType = 'swap' | 'rollback' | 'refusal' | 'reload' | 'fallback';

export interface CoreEvent {
  type: CoreEventType;
  /** ISO 8601 time of the event. */
  at: string;
  /** Who asked: an admin key id, 'cli', 'sighup', 'startup'. */
  actor: string;
  /** name@version of the core serving before the event. */
  from: string;
  /** name@version serving after it (unchanged on refusal). */
  to: string;
  /** Version of the refused candidate (refusal only, when it could be read). */
  candidate?: string;
  /** Why a candidate was refused, why a fallback happened, or where a reload came from. */
  reason?: string;
}

export type SwapResult = { ok: true; core: CoreStatus } | { ok: false; reason: string; core: CoreStatus };

export interface CoreStatus {
  name: string;
  version: string;
  abi: number;
  /** When this core started serving (ISO 8601). */
  since: string;
  /** The core a rollback would return to, if any. */
  previous?: { name: string; version: string };
}

export interface CoreHolder {
  /** The core to use for the next call. */
  current(): CryptoCore;
  status(): CoreStatus;
  /**
   * Start-up: load the module at `path` (default: the built module) and validate it like a swap.
   * A missing or broken module leaves the reference core serving, with a 'fallback' event and a
   * warning through `log`.
   */
  init(options?: { path?: string | URL; actor?: string }): Promise<CoreStatus>;
  /** Validates `bytes` as a new core and switches to it, or refuses with the reason. */
  swap(bytes: Uint8Array, actor: string): Promise<SwapResult>;
  /** Returns to the core that served before the last swap. */
  rollback(actor: string): SwapResult;
  /** SIGHUP: reads `path` (CORE_WASM_PATH) and swaps to it; a 'reload' event records the request. */
  reloadFromFile(path: string | URL, actor?: string): Promise<SwapResult>;
  /** Events, oldest first. */
  history(): CoreEvent[];
  /** Adds a listener for every new event; returns a function that removes it. */
  onEvent(listener: (event: CoreEvent) => void): () => void;
}

export interface HolderOptions {
  /** Where start-up fallbacks and refusals are reported (default: console.warn). */
  log?: (message: string) => void;
  /** Size of the differential run. */
  differential?: DifferentialOptions;
  /** How many events `history()` keeps. */
  historyLimit?: number;
}

interface Serving {
  core: CryptoCore;
  since: string;
}

const label = (core: CryptoCore): string => `${core.name}@${core.version}`;

export function createCoreHolder(options: HolderOptions = {}): CoreHolder {
  const log = options.log ?? ((m: string) => console.warn(m));
  const historyLimit = options.historyLimit ?? 200;
  const reference = createReferenceCore();
  let serving: Serving = { core: reference, since: new Date().toISOString() };
  let previous: Serving | null = null;
  const events: CoreEvent[] = [];
  const listeners = new Set<(event: CoreEvent) => void>();

  function record(event: Omit<CoreEvent, 'at'>): void {
    const full: CoreEvent = { at: new Date().toISOString(), ...event };
    events.push(full);
    if (events.length > historyLimit) events.splice(0, events.length - historyLimit);
    for (const listener of listeners) {
      try {
        listener(full);
      } catch (err) {
        log(`crypto core event listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  function status(): CoreStatus {
    const s: CoreStatus = { name: serving.core.name, version: serving.core.version, abi: serving.core.abi, since: serving.since };
    if (previous) s.previous = { name: previous.core.name, version: previous.core.version };
    return s;
  }

  /** Compiles and checks a candidate; returns it, or the reason it is refused. */
  async function validate(bytes: Uint8Array): Promise<{ core: CryptoCore } | { reason: string; version?: string }> {
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) return { reason: 'empty module' };
    let module: WebAssembly.Module;
    try {
      module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    } catch (err) {
      return { reason: `does not compile: ${err instanceof Error ? err.message : String(err)}` };
    }
    const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
    const missing = REQUIRED_EXPORTS.filter((n) => !names.has(n));
    if (missing.length > 0) return { reason: `missing exports: ${missing.join(', ')}` };
    let core: CryptoCore;
    try {
      core = await loadWasmCore(bytes);
    } catch (err) {
      return { reason: `does not instantiate: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (core.abi !== ABI_VERSION) return { reason: `ABI version ${core.abi}, expected ${ABI_VERSION}`, version: core.version };
    try {
      const failures = runKnownAnswers(core);
      if (failures.length > 0) return { reason: `known-answer tests failed: ${failures.join('; ')}`, version: core.version };
      const mismatch = runDifferential(core, reference, options.differential);
      if (mismatch) return { reason: `differential check against the reference failed: ${mismatch}`, version: core.version };
    } catch (err) {
      return { reason: `self-test threw: ${err instanceof Error ? err.message : String(err)}`, version: core.version };
    }
    return { core };
  }

  // Swaps run one at a time, so that `previous` is always the core the last swap replaced.
  let swapping: Promise<unknown> = Promise.resolve();
  function swap(bytes: Uint8Array, actor: string): Promise<SwapResult> {
    const next = swapping.then(() => swapNow(bytes, actor));
    swapping = next.catch(() => undefined);
    return next;
  }

  async function swapNow(bytes: Uint8Array, actor: string): Promise<SwapResult> {
    const before = serving.core;
    const result = await validate(bytes);
    if ('reason' in result) {
      record({ type: 'refusal', actor, from: label(before), to: label(serving.core), reason: result.reason, ...(result.version ? { candidate: result.version } : {}) });
      return { ok: false, reason: result.reason, core: status() };
    }
    // The atomic switch: one assignment, after every check passed.
    previous = serving;
    serving = { core: result.core, since: new Date().toISOString() };
    record({ type: 'swap', actor, from: label(previous.core), to: label(serving.core) });
    return { ok: true, core: status() };
  }

  function rollback(actor: string): SwapResult {
    if (!previous) {
      const reason = 'no previous core to roll back to';
      record({ type: 'refusal', actor, from: label(serving.core), to: label(serving.core), reason });
      return { ok: false, reason, core: status() };
    }
    const from = serving;
    serving = { core: previous.core, since: new Date().toISOString() };
    previous = from;
    record({ type: 'rollback', actor, from: label(from.core), to: label(serving.core) });
    return { ok: true, core: status() };
  }

  async function readBytes(path: string | URL): Promise<Uint8Array | string> {
    try {
      return new Uint8Array(await readFile(path));
    } catch (err) {
      return `cannot read ${String(path)}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  async function reloadFromFile(path: string | URL, actor = 'sighup'): Promise<SwapResult> {
    record({ type: 'reload', actor, from: label(serving.core), to: label(serving.core), reason: `reload from ${String(path)}` });
    const bytes = await readBytes(path);
    if (typeof bytes === 'string') {
      record({ type: 'refusal', actor, from: label(serving.core), to: label(serving.core), reason: bytes });
      return { ok: false, reason: bytes, core: status() };
    }
    return swap(bytes, actor);
  }

  async function init(opts: { path?: string | URL; actor?: string } = {}): Promise<CoreStatus> {
    const path = opts.path ?? new URL('../build/core.wasm', import.meta.url);
    const actor = opts.actor ?? 'startup';
    const bytes = await readBytes(path);
    const reason = typeof bytes === 'string' ? bytes : await swap(bytes, actor).then((r) => (r.ok ? null : r.reason));
    if (reason !== null) {
      // Loud on purpose: the gateway keeps serving, on the slower reference core.
      log(`CRYPTO CORE: WASM module at ${String(path)} not used (${reason}); serving on the reference core`);
      record({ type: 'fallback', actor, from: label(serving.core), to: label(serving.core), reason });
    }
    return status();
  }

  return {
    current: () => serving.core,
    status,
    init,
    swap,
    rollback,
    reloadFromFile,
    history: () => events.slice(),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
