/**
 * Passkey ceremonies per second through the Passkeys API (LoginID FIDO2 v2): registrations
 * (reg/init + reg/complete of a new user) and authentications (auth/init + auth/complete), for
 * ES256 and EdDSA credentials, on the WASM crypto core and on the @noble reference core, in one
 * run.
 *
 * As in vault-zkimg.ts, each core gets its own gateway in a child process (_core-child.ts), one
 * after the other. The load generator
 * here plays the browser and the authenticator (test/helpers/software-authenticator.ts, signing
 * with node:crypto), so its own cost is small next to the gateway's; the column `client ms` says
 * how much of each ceremony it took. Embedded store, response validation off.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { percentile, serveOnCore, servingCore, startOnCore, type Core } from './_core-child.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 8);
type Alg = 'ES256' | 'EdDSA';

// ------------------------------------------------------------------ serve mode (child)

async function serve(core: Core): Promise<void> {
  const { vaultSettingsOf } = await import('../../server/identity/vault/tenant-settings.ts');
  await serveOnCore(core, async (gw) => {
    const tenant = (await gw.services.identity.tenants.get('default'))!;
    await gw.services.identity.tenants.update('default', { settings: { vault: { ...vaultSettingsOf(tenant), passkey_enabled: true } } });
  });
}

// ------------------------------------------------------------------ load (parent)

interface Row {
  core: string;
  ceremony: string;
  perSecond: number;
  p50: number;
  p99: number;
  clientMs: number;
  failures: number;
}

/** Runs `once` from WORKERS loops for SECONDS; each call returns its client-side milliseconds or null on failure. */
async function measure(core: string, ceremony: string, once: (worker: number) => Promise<number | null>): Promise<Row> {
  const latencies: number[] = [];
  let client = 0;
  let failures = 0;
  const began = performance.now();
  const deadline = began + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const own = await once(w);
        if (own === null) failures++;
        else {
          latencies.push(performance.now() - t0);
          client += own;
        }
      }
    }),
  );
  const elapsed = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  return { core, ceremony, perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), clientMs: client / Math.max(1, latencies.length), failures };
}

async function load(core: Core): Promise<Row[]> {
  const { SoftwareAuthenticator } = await import('../../test/helpers/software-authenticator.ts');
  const { createPasskeysClient } = await import('../../clients/passkeys.ts');
  const { url, stop } = await startOnCore(fileURLToPath(import.meta.url), core);
  try {
    const api = createPasskeysClient({ baseUrl: url });
    const origin = new URL(url).origin;
    const device = { clientType: 'browser', clientName: 'Chrome', clientVersion: '131.0', osName: 'Linux' } as never;
    const user = (username: string) => ({ username, usernameType: 'email' as const });

    /** reg/init + create() + reg/complete; the client-side milliseconds, or null. */
    const register = async (authenticator: InstanceType<typeof SoftwareAuthenticator>, username: string): Promise<number | null> => {
      const init = await api.POST('/reg/init', { body: { app: { id: 'default' }, deviceInfo: device, user: user(username) } });
      if (!init.data) return null;
      const t0 = performance.now();
      const r = authenticator.register(init.data.registrationRequestOptions as never, { origin });
      const own = performance.now() - t0;
      const done = await api.POST('/reg/complete', {
        body: { session: init.data.session, creationResult: { credentialId: r.id, clientDataJSON: r.response.clientDataJSON, attestationObject: r.response.attestationObject, transports: ['internal'] } },
      });
      return done.data ? own : null;
    };
    const authenticate = async (authenticator: InstanceType<typeof SoftwareAuthenticator>, username: string): Promise<number | null> => {
      const init = await api.POST('/auth/init', { body: { app: { id: 'default' }, deviceInfo: device, user: user(username) } });
      if (!init.data) return null;
      const t0 = performance.now();
      const a = authenticator.login(init.data.assertionOptions as never, { origin });
      const own = performance.now() - t0;
      const done = await api.POST('/auth/complete', {
        body: {
          session: init.data.session,
          assertionResult: {
            credentialId: a.id,
            clientDataJSON: a.response.clientDataJSON,
            authenticatorData: a.response.authenticatorData,
            signature: a.response.signature,
            ...(a.response.userHandle ? { userHandle: a.response.userHandle } : {}),
          },
        },
      });
      return done.data ? own : null;
    };

    const rows: Row[] = [];
    for (const alg of ['ES256', 'EdDSA'] as Alg[]) {
      const authenticators = Array.from({ length: WORKERS }, () => new SoftwareAuthenticator({ alg, attestation: 'none' }));
      // One signed-in user per worker for the authentication loop, registered (and warmed) first.
      const usernames = authenticators.map((_, w) => `bench-${alg}-${w}-${randomUUID().slice(0, 8)}@example.test`);
      for (let w = 0; w < WORKERS; w++) {
        if ((await register(authenticators[w]!, usernames[w]!)) === null) throw new Error('warm-up registration failed');
        if ((await authenticate(authenticators[w]!, usernames[w]!)) === null) throw new Error('warm-up authentication failed');
      }
      rows.push(await measure(core, `register ${alg}`, (w) => register(authenticators[w]!, `bench-${randomUUID()}@example.test`)));
      rows.push(await measure(core, `authenticate ${alg}`, (w) => authenticate(authenticators[w]!, usernames[w]!)));
    }
    return rows;
  } finally {
    await stop();
  }
}

async function main(): Promise<void> {
  console.log(`Passkeys API ceremonies, ${WORKERS} concurrent browsers, ${SECONDS} s per row, one gateway process per core`);
  const rows = [...(await load('wasm')), ...(await load('reference'))];
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`${'core'.padEnd(10)} ${'ceremony'.padEnd(18)} ${pad('per s', 8)} ${pad('p50 ms', 8)} ${pad('p99 ms', 8)} ${pad('client ms', 10)} ${pad('failed', 7)}`);
  for (const r of rows) {
    console.log(`${r.core.padEnd(10)} ${r.ceremony.padEnd(18)} ${pad(r.perSecond.toFixed(0), 8)} ${pad(r.p50.toFixed(1), 8)} ${pad(r.p99.toFixed(1), 8)} ${pad(r.clientMs.toFixed(2), 10)} ${pad(r.failures, 7)}`);
  }
  for (const ceremony of [...new Set(rows.map((r) => r.ceremony))]) {
    const [w, ref] = [rows.find((r) => r.ceremony === ceremony && r.core !== 'reference'), rows.find((r) => r.ceremony === ceremony && r.core === 'reference')];
    if (w && ref) console.log(`${ceremony}: WASM / reference = ${(w.perSecond / ref.perSecond).toFixed(2)}x`);
  }
}

const mode = servingCore();
if (mode !== null) void serve(mode);
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
