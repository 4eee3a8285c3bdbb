/**
 * Refresh-token grants per second at the Vault's Standard token endpoint, with p50/p99 latency,
 * on the WASM crypto core and on the @noble reference core in one run.
 *
 * autocannon replays one request, but every refresh rotates the token (a replayed one is reuse
 * and revokes its family), so the load is a loop of fetch calls instead: N workers, each rotating
 * its own token chain (one login each), for a fixed time. Each grant is a real rotation: client
 * authentication, one guarded update of the token's family (which stores the successor and records
 * the issue), the session and its user read, an EdDSA access token and an ID token.
 *
 * The gateway runs in this process on the embedded engine with response validation off
 * (production). Swapping cores: `gw.services.crypto.rollback` returns from the built-in WASM core
 * to the reference core. Note that a refresh grant SIGNS tokens (node:crypto through jose) and
 * verifies none, so the core is not on its path: the two rows should agree within noise.
 */
import { cpus, loadavg } from 'node:os';
import type { RunningGateway } from '../../server/app.ts';
import { issuers } from '../../server/issuers.ts';
import type { TestGateway } from '../../test/helpers/gateway.ts';
import { codeFor, REDIRECT } from '../../test/vault/_oidc.ts';
import { startBenchGateway } from './_harness.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 32);

interface Row {
  name: string;
  grants: number;
  rps: number;
  p50: number;
  p99: number;
  failures: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function chains(gw: RunningGateway, tenantId: string, userId: string, clientId: string, tokenUrl: string, auth: Record<string, string>): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < WORKERS; i++) {
    const { code, verifier } = await codeFor(gw as TestGateway, issuers.vault(gw.services.config.publicUrl, tenantId), tenantId, userId, { clientId });
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier!, ...(auth.authorization ? {} : { client_id: clientId }) }),
    });
    if (res.status !== 200) throw new Error(`code exchange answered ${res.status}: ${await res.text()}`);
    tokens.push((await res.json()).refresh_token);
  }
  return tokens;
}

async function run(name: string, tokenUrl: string, clientId: string, auth: Record<string, string>, start: string[]): Promise<{ row: Row; next: string[] }> {
  const latencies: number[] = [];
  let failures = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const began = performance.now();
  const next = await Promise.all(
    start.map(async (initial) => {
      let token = initial;
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const res = await fetch(tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, ...(auth.authorization ? {} : { client_id: clientId }) }),
        });
        const body = await res.json();
        if (res.status !== 200) {
          failures++;
          break;
        }
        latencies.push(performance.now() - t0);
        token = body.refresh_token;
      }
      return token;
    }),
  );
  const elapsed = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  return { row: { name, grants: latencies.length, rps: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures }, next };
}

const { gw, config } = await startBenchGateway();
try {
  const identity = gw.services.identity;
  const tenantId = 'bench-refresh';
  await identity.tenants.create({ id: tenantId, name: tenantId });
  const user = await identity.users.create(tenantId, { username: 'bench-user', email: 'bench@example.test' });
  const base = { name: 'bench', redirectUris: [REDIRECT], grantTypes: ['authorization_code', 'refresh_token'] };
  const { client: pub } = await identity.clients.create(tenantId, { ...base, type: 'public' });
  const { client: conf, secret } = await identity.clients.create(tenantId, { ...base, type: 'confidential' });
  const tokenUrl = `${issuers.vault(config.publicUrl, tenantId)}/token/standard`;
  const basic = { authorization: `Basic ${Buffer.from(`${conf.clientId}:${secret}`).toString('base64')}` };

  let pubChains = await chains(gw, tenantId, user._id, pub.clientId, tokenUrl, {});
  let confChains = await chains(gw, tenantId, user._id, conf.clientId, tokenUrl, basic);
  // Warm-up on every path before measuring.
  pubChains = (await run('warm-up', tokenUrl, pub.clientId, {}, pubChains)).next;

  const rows: Row[] = [];
  const cores: string[] = [];
  for (const step of ['current', 'rollback'] as const) {
    if (step === 'rollback') {
      const change = await gw.services.crypto.rollback('bench');
      if (!change.ok) throw new Error(`rollback to the reference core refused: ${change.reason}`);
    }
    const core = gw.services.crypto.status().active;
    const label = `${core.name}@${core.version}`;
    cores.push(label);
    const a = await run(`public client, ${label}`, tokenUrl, pub.clientId, {}, pubChains);
    pubChains = a.next;
    const b = await run(`client_secret_basic, ${label}`, tokenUrl, conf.clientId, basic, confChains);
    confChains = b.next;
    rows.push(a.row, b.row);
  }
  if (cores[0] === cores[1]) console.warn('warning: both runs used the same core (is core.wasm built?)');

  console.log(`\nVault refresh-token grants: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${WORKERS} workers (one token chain each), ${SECONDS} s per row, embedded store, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log(`${'row'.padEnd(52)} ${'grants'.padStart(7)} ${'grants/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'failed'.padStart(7)}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(52)} ${String(r.grants).padStart(7)} ${r.rps.toFixed(0).padStart(9)} ${r.p50.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)} ${String(r.failures).padStart(7)}`);
  }
} finally {
  await gw.stop();
}
