/**
 * Token-exchange API throughput under autocannon, requests/s with p50/p99 latency, in one run:
 *   1. getAccessToken with an ID token of the gateway's own Vault (EdDSA): parsing, the trusted
 *      issuer (the tenant's existence, the audience as a client of the tenant), the Vault's key
 *      set, the Ed25519 signature through the crypto core (federated tokens do not use the
 *      bearer verified-token cache: every request verifies), the orgs of the user (the account,
 *      and the other tenants of its verified address), and a new EdDSA access token signed by
 *      the one token service;
 *   2. getAccessToken with a Passkeys API token (ES256): the same with P-256 through the core;
 *   rows 1 and 2 first on the WASM core, then on the @noble reference core (the holder's
 *   rollback), side by side;
 *   3. getAccessTokenFromApiKeyValue: the key's hash compared, its owner read, a new access token.
 * The gateway runs in this process on the embedded engine, response validation off
 * (production); autocannon runs as a separate process so that it does not share this event loop.
 */
import { cpus, loadavg } from 'node:os';
import { issuers } from '../../server/issuers.ts';
import { ORG_API_KEY_SCOPE } from '../../server/identity/orgs/org-access-tokens.ts';
import { autocannon as load, startBenchGateway, type Row } from './_harness.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);

const autocannon = (name: string, url: string, json: object) => load(name, url, { connections: CONNECTIONS, seconds: DURATION, json });

const { gw, config } = await startBenchGateway();
try {
  const { identity } = gw.services;
  const tenantId = 'bench-nominal';
  await identity.tenants.create({ id: tenantId, name: 'Bench org' });
  await identity.clients.create(tenantId, { clientId: 'nominal-app', name: 'nominal', type: 'public', redirectUris: ['http://127.0.0.1:9/cb'] });
  const user = await identity.users.create(tenantId, { username: 'bench-user', email: 'bench@example.test', emailVerified: true });
  const claims = { email: user.email, email_verified: true };
  const idToken = (await identity.tokens.issue({ issuer: issuers.vault(config.publicUrl, tenantId), audience: 'nominal-app', subject: user._id, ttlSeconds: 3600, claims })).token;
  const passkeysToken = (
    await identity.tokens.issue({ issuer: issuers.passkeys(config.publicUrl), audience: tenantId, subject: user._id, alg: 'ES256', ttlSeconds: 3600, claims: { ...claims, tid: tenantId } })
  ).token;
  const { value: apiKeyValue } = await identity.apiKeys.create({ tenantId, ownerId: user._id, name: 'bench', scopes: [ORG_API_KEY_SCOPE] });

  const exchangeUrl = `${gw.url}/authorization/v1/access-token`;
  for (const [what, body] of [['id token', { idToken }], ['passkeys token', { idToken: passkeysToken }]] as const) {
    const res = await fetch(exchangeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`getAccessToken with a ${what} answered ${res.status}: ${await res.text()}`);
  }

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
    rows.push(await autocannon(`getAccessToken, Vault ID token (EdDSA), ${label}`, exchangeUrl, { idToken }));
    rows.push(await autocannon(`getAccessToken, Passkeys token (ES256), ${label}`, exchangeUrl, { idToken: passkeysToken }));
  }
  if (cores[0] === cores[1]) console.warn('warning: both runs used the same core (is core.wasm built?)');
  rows.push(await autocannon('getAccessTokenFromApiKeyValue', `${gw.url}/api-key-internal/v1/access-token`, { apiKeyValue }));

  console.log(`\nToken exchange: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${CONNECTIONS} connections, ${DURATION} s per row, embedded store, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log(`${'row'.padEnd(62)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'non-2xx'.padStart(8)}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(62)} ${r.rps.toFixed(0).padStart(8)} ${String(r.p50).padStart(7)} ${String(r.p99).padStart(7)} ${String(r.non2xx).padStart(8)}`);
  }
} finally {
  await gw.stop();
}
