// Shared by the identity tests: an embedded store with a fresh database, the identity core on it,
// and a clock the test moves by hand (expiry and rotation without waiting).
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createReferenceCore, DEFAULT_WASM_URL, loadWasmCore, type CryptoCore } from '../../core-wasm/js/index.ts';
import { connectStore, type StoreConnection } from '../../server/store/connect.ts';
import { ensureIndexes, openStore, type Store } from '../../server/store/collections.ts';
import { createIdentityCore, type IdentityCore, type IdentityCoreOptions } from '../../server/identity/index.ts';

export const silentLogger = pino({ level: 'silent' });

export class ManualClock {
  ms: number;
  constructor(start = Date.UTC(2030, 0, 1, 12, 0, 0)) {
    this.ms = start;
  }
  readonly now = () => new Date(this.ms);
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface Harness {
  conn: StoreConnection;
  store: Store;
  clock: ManualClock;
  masterKey: Buffer;
  /** A new identity core on the same database (another gateway instance, in effect). */
  identity(overrides?: Partial<IdentityCoreOptions>): IdentityCore;
  /** A second MongoClient on the same embedded engine and database. */
  secondStore(): Promise<{ store: Store; close(): Promise<void> }>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dbName = `identity_${randomUUID().slice(0, 8)}`;
  const conn = await connectStore({ dbName });
  const store = openStore(conn.db);
  await ensureIndexes(store);
  const clock = new ManualClock();
  const masterKey = randomBytes(32);
  const reference = createReferenceCore();
  const extra: StoreConnection[] = [];
  return {
    conn,
    store,
    clock,
    masterKey,
    identity: (overrides = {}) =>
      createIdentityCore({
        store,
        core: () => reference,
        masterKey,
        publicUrl: 'http://gateway.test',
        logger: silentLogger,
        clock: clock.now,
        ...overrides,
      }),
    async secondStore() {
      const other = await connectStore({ mongodbUri: conn.embedded!.uri, dbName, clientOptions: { directConnection: true, retryWrites: false } });
      extra.push(other);
      return { store: openStore(other.db), close: () => other.close() };
    },
    async close() {
      for (const other of extra) await other.close().catch(() => undefined);
      await conn.close();
    },
  };
}

/** The cores a verification test must pass on: the reference always, the built WASM module when it exports `primitive`. */
export async function coresExporting(primitive: string): Promise<{ cores: CryptoCore[]; skipped: string | null }> {
  const reference = createReferenceCore();
  const path = fileURLToPath(DEFAULT_WASM_URL);
  if (!existsSync(path)) return { cores: [reference], skipped: `${path} is not built` };
  const wasm = await loadWasmCore(path, { partial: true });
  if (!wasm.exports.includes(primitive)) return { cores: [reference], skipped: `core.wasm does not export ${primitive} yet` };
  return { cores: [wasm, reference], skipped: null };
}
