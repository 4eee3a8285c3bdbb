/**
 * The gateway's side of the crypto core: the hot-swap holder (core-wasm/js) plus what an operator
 * needs around it: where each core came from and its SHA-256, every event persisted in MongoDB,
 * SIGHUP reload from CORE_WASM_PATH, and a desired-core record that lets every gateway instance
 * sharing the database converge on the core an operator swapped to on any one of them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { Binary } from 'mongodb';
import { createCoreHolder, DEFAULT_WASM_URL, type CoreEvent, type CryptoCore } from '../core-wasm/js/index.ts';
import type { GatewayConfig } from './config.ts';
import type { Store } from './store/collections.ts';
import type { GatewayMetrics } from './ops/metrics.ts';

export type CoreSource = 'reference' | 'built-in' | 'upload' | 'file';

export interface CoreInfo {
  name: string;
  version: string;
  abi: number;
  sha256: string;
  source: CoreSource;
  loadedAt: string;
}

export interface GatewayCoreStatus {
  active: CoreInfo;
  previous: CoreInfo | null;
  onReference: boolean;
  fallbackReason: string | null;
  desired: CoreInfo | null;
}

export interface GatewayCoreEvent {
  id: string;
  at: string;
  kind: CoreEvent['type'];
  from: CoreInfo | null;
  to: CoreInfo | null;
  reason: string | null;
  actor: string;
}

export type CoreChange = { ok: true; status: GatewayCoreStatus } | { ok: false; reason: string; status: GatewayCoreStatus };

export interface GatewayCrypto {
  current(): CryptoCore;
  status(): GatewayCoreStatus;
  swap(bytes: Uint8Array, actor: string, source?: CoreSource): Promise<CoreChange>;
  rollback(actor: string): Promise<CoreChange>;
  reload(actor: string): Promise<CoreChange>;
  history(options: { limit: number; before?: Date }): Promise<GatewayCoreEvent[]>;
  stop(): void;
}

const DESIRED_ID = 'desiredCore';
const CONVERGE_INTERVAL_MS = 5_000;

const sha256hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const labelOf = (core: { name: string; version: string }) => `${core.name}@${core.version}`;

export async function startCrypto(options: { config: GatewayConfig; store: Store; log: Logger; metrics: GatewayMetrics; instanceId?: string }): Promise<GatewayCrypto> {
  const { config, store, log, metrics } = options;
  const instanceId = options.instanceId ?? randomUUID();
  const holder = createCoreHolder({ log: (m) => log.warn({ component: 'crypto-core' }, m) });
  /** what we know of every core that has served, by name@version */
  const known = new Map<string, CoreInfo>();
  let candidate: CoreInfo | null = null;
  let fallbackReason: string | null = null;
  let desired: CoreInfo | null = null;
  /** module bytes by SHA-256, so a rollback can publish what it returned to as the desired core */
  const modules = new Map<string, Uint8Array>();

  const infoOf = (core: CryptoCore, source: CoreSource, sha: string): CoreInfo => ({
    name: core.name,
    version: core.version,
    abi: core.abi,
    sha256: sha,
    source,
    loadedAt: new Date().toISOString(),
  });
  const reference = holder.current();
  known.set(labelOf(reference), infoOf(reference, 'reference', 'reference'));

  holder.onEvent((event) => {
    if (event.type === 'fallback') fallbackReason = event.reason ?? 'the crypto core module could not be loaded';
    const doc = {
      _id: randomUUID(),
      at: new Date(event.at),
      instanceId,
      kind: event.type,
      version: event.candidate ?? event.to,
      ok: event.type !== 'refusal' && event.type !== 'fallback',
      reason: event.reason ?? null,
      details: {
        actor: event.actor,
        from: known.get(event.from) ?? null,
        // a candidate is not in `known` until its swap has returned
        to:
          event.type === 'refusal'
            ? candidate
            : (known.get(event.to) ?? (event.type === 'swap' && candidate ? infoOf(holder.current(), candidate.source, candidate.sha256) : null)),
      },
    };
    store.coreEvents.insertOne(doc).catch((err) => log.error({ err }, 'could not persist a crypto core event'));
    const s = holder.status();
    metrics.setCore(s.name, s.version, s.name === reference.name);
    if (event.type === 'refusal' || event.type === 'fallback') log.warn({ event }, `crypto core ${event.type}: ${event.reason}`);
    else log.info({ event }, `crypto core ${event.type}`);
  });

  async function takeCandidate(bytes: Uint8Array, actor: string, source: CoreSource): Promise<CoreChange> {
    const sha = sha256hex(bytes);
    // Swapping to the module that already serves would only blur the history (same name@version twice).
    if (sha === status().active.sha256) return { ok: false, reason: 'this module is already the serving core', status: status() };
    candidate = { name: 'wasm', version: sha.slice(0, 16), abi: 0, sha256: sha, source, loadedAt: new Date().toISOString() };
    const result = await holder.swap(bytes, actor);
    if (result.ok) {
      const core = holder.current();
      known.set(labelOf(core), infoOf(core, source, sha));
      modules.set(sha, bytes);
      fallbackReason = null;
    }
    candidate = null;
    return result.ok ? { ok: true, status: status() } : { ok: false, reason: result.reason, status: status() };
  }

  function status(): GatewayCoreStatus {
    const s = holder.status();
    const active = known.get(labelOf(s)) ?? infoOf(holder.current(), 'file', 'reference');
    const onReference = s.name === reference.name;
    return {
      active: { ...active, loadedAt: s.since },
      previous: s.previous ? (known.get(labelOf(s.previous)) ?? null) : null,
      onReference,
      fallbackReason: onReference ? fallbackReason : null,
      desired,
    };
  }

  // Start-up: CORE_WASM_PATH, else the module built with the gateway; either may be missing or
  // broken, and then the reference core serves (the holder logs and records the fallback).
  const path = config.coreWasmPath ?? fileURLToPath(DEFAULT_WASM_URL);
  const startSource: CoreSource = config.coreWasmPath ? 'file' : 'built-in';
  let startBytes: Uint8Array | null = null;
  try {
    startBytes = new Uint8Array(await readFile(path));
  } catch {
    startBytes = null;
  }
  if (startBytes) {
    const sha = sha256hex(startBytes);
    candidate = { name: 'wasm', version: sha.slice(0, 16), abi: 0, sha256: sha, source: startSource, loadedAt: new Date().toISOString() };
  }
  await holder.init({ path, actor: 'startup' });
  candidate = null;
  if (holder.current() !== reference && startBytes) {
    const core = holder.current();
    known.set(labelOf(core), infoOf(core, startSource, sha256hex(startBytes)));
    modules.set(sha256hex(startBytes), startBytes);
  }
  if (holder.current() === reference) log.warn({ path }, 'crypto core: serving on the @noble reference core');
  const s0 = holder.status();
  metrics.setCore(s0.name, s0.version, s0.name === reference.name);

  // Converge on the desired core an operator chose on any instance.
  async function converge(): Promise<void> {
    const doc = await store.meta.findOne({ _id: DESIRED_ID });
    const value = doc?.value as { info: CoreInfo; wasm: Binary } | undefined;
    if (!value) return;
    desired = value.info;
    if (status().active.sha256 === value.info.sha256 || refusedDesired === value.info.sha256) return;
    const result = await takeCandidate(new Uint8Array(value.wasm.buffer), 'converge', value.info.source);
    // A module this instance refused is not retried every interval; a new desired module is.
    if (!result.ok) refusedDesired = value.info.sha256;
  }
  let refusedDesired: string | null = null;
  const timer = setInterval(() => {
    converge().catch((err) => log.debug({ err }, 'crypto core converge check failed'));
  }, CONVERGE_INTERVAL_MS);
  timer.unref();

  async function recordDesired(bytes: Uint8Array | null): Promise<void> {
    const active = status().active;
    if (bytes === null || active.source === 'reference') {
      await store.meta.deleteOne({ _id: DESIRED_ID });
      desired = null;
      return;
    }
    desired = active;
    await store.meta.updateOne({ _id: DESIRED_ID }, { $set: { value: { info: active, wasm: new Binary(bytes) }, updatedAt: new Date() } }, { upsert: true });
  }

  const onSighup = () => {
    api.reload('signal:SIGHUP').catch((err) => log.error({ err }, 'SIGHUP reload failed'));
  };
  if (config.coreWasmPath) process.on('SIGHUP', onSighup);

  const api: GatewayCrypto = {
    current: () => holder.current(),
    status,
    async swap(bytes, actor, source = 'upload') {
      const result = await takeCandidate(bytes, actor, source);
      if (result.ok) await recordDesired(bytes);
      return result;
    },
    async rollback(actor) {
      const result = holder.rollback(actor);
      if (!result.ok) return { ok: false, reason: result.reason, status: status() };
      // The instances converge on what now serves here; the reference core is "no desired module".
      const active = status().active;
      const bytes = active.source === 'reference' ? null : (modules.get(active.sha256) ?? null);
      await recordDesired(bytes);
      return { ok: true, status: status() };
    },
    async reload(actor) {
      if (!config.coreWasmPath) return { ok: false, reason: 'CORE_WASM_PATH is not set', status: status() };
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(config.coreWasmPath));
      } catch (e) {
        return { ok: false, reason: `cannot read ${config.coreWasmPath}: ${(e as Error).message}`, status: status() };
      }
      const result = await takeCandidate(bytes, actor, 'file');
      if (result.ok) await recordDesired(bytes);
      return result;
    },
    async history({ limit, before }) {
      const docs = await store.coreEvents
        .find(before ? { at: { $lt: before } } : {})
        .sort({ at: -1, _id: -1 })
        .limit(limit)
        .toArray();
      return docs.map((d) => {
        const details = d.details as { actor?: string; from?: CoreInfo | null; to?: CoreInfo | null };
        return {
          id: d._id,
          at: d.at.toISOString(),
          kind: d.kind as CoreEvent['type'],
          from: details.from ?? null,
          to: details.to ?? null,
          reason: d.reason,
          actor: details.actor ?? 'unknown',
        };
      });
    },
    stop() {
      clearInterval(timer);
      process.off('SIGHUP', onSighup);
    },
  };
  return api;
}
