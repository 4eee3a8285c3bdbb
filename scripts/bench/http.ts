/**
 * `npm run bench:http`: requests/s and p50/p99 latency under autocannon, in one run, for
 *   1. GET /healthz: bare Express with the gateway's common middleware (helmet, request id);
 *   2. GET /api/me with a bearer access token: routing, bearer verification through the crypto
 *      core (with its verified-token cache), request validation, one indexed MongoDB read, the
 *      Vault's User mapping;
 *   3. the same with an API key (X-API-Key: hash compare, one read by id).
 * The gateway runs in this process on the embedded engine, response validation off (production);
 * autocannon runs as a separate process so that it does not share this event loop.
 */
import { cpus } from 'node:os';
import { audiences, issuers } from '../../server/issuers.ts';
import { autocannon as load, startBenchGateway } from './_harness.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

const autocannon = (name: string, url: string, headers: Record<string, string> = {}) => load(name, url, { connections: CONNECTIONS, seconds: DURATION, headers });

const { gw, config } = await startBenchGateway();
try {
  const identity = gw.services.identity;
  const user = await identity.users.create('default', { username: 'bench-user', email: 'bench@example.test' });
  const { value: userKey } = await identity.apiKeys.create({ tenantId: 'default', ownerId: user._id, scopes: [], name: 'bench' });
  const { token } = await identity.tokens.issue({
    issuer: issuers.vault(config.publicUrl, 'default'),
    audience: [audiences.vaultApi(config.publicUrl)],
    subject: user._id,
    ttlSeconds: 3600,
    typ: 'at+jwt',
    claims: { tid: 'default', scope: 'openid', client_id: 'bench' },
  });
  const me = await fetch(`${gw.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
  if (me.status !== 200) throw new Error(`GET /api/me answered ${me.status}: ${await me.text()}`);

  const rows = [
    await autocannon('GET /healthz (bare Express)', `${gw.url}/healthz`),
    await autocannon('GET /api/me, bearer JWT, validation on', `${gw.url}/api/me`, { Authorization: `Bearer ${token}` }),
    await autocannon('GET /api/me, X-API-Key, validation on', `${gw.url}/api/me`, { 'X-API-Key': userKey }),
  ];
  const core = gw.services.crypto.status().active;
  console.log(`\nHTTP benchmark: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${CONNECTIONS} connections, ${DURATION} s each, crypto core ${core.name}@${core.version}\n`);
  console.log(`${'endpoint'.padEnd(42)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'non-2xx'.padStart(8)}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(42)} ${r.rps.toFixed(0).padStart(9)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${String(r.non2xx).padStart(8)}`);
  }
  console.log(`\nratio bearer read / healthz: ${(rows[1].rps / rows[0].rps).toFixed(2)}; API-key read / bearer read: ${(rows[2].rps / rows[1].rps).toFixed(2)}`);
} finally {
  await gw.stop();
}
