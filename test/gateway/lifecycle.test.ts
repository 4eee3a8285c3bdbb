/**
 * The gateway's life: the database going away and coming back (503 in each API's shape, no
 * hanging request, then normal service), bootstrap once and data kept across restarts with
 * DATA_DIR, and graceful shutdown finishing a request that is in flight.
 */
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startTestGateway, freePort } from '../helpers/gateway.ts';

test.serial('database stopped mid-run: 503 in the API shape within the timeout, then normal service', async (t) => {
  const gw = await startTestGateway();
  try {
    const engine = gw.storeConnection.embedded;
    if (!engine) return t.pass('not on the embedded engine (MONGODB_URI set): cannot stop the database here');
    const key = { 'X-API-Key': gw.adminKey };
    t.is((await fetch(`${gw.url}/gateway/v1/bootstrap`, { headers: key })).status, 200);
    await engine.stop();

    const started = Date.now();
    const down = await fetch(`${gw.url}/gateway/v1/bootstrap`, { headers: key, signal: AbortSignal.timeout(10_000) });
    t.is(down.status, 503);
    const problem = await down.json();
    t.is(problem.status, 503);
    t.regex(problem.detail, /database/i);
    t.true(Date.now() - started < 10_000, 'answered within the request timeout');
    const vaultDown = await fetch(`${gw.url}/api/me`, { headers: key, signal: AbortSignal.timeout(10_000) });
    t.is(vaultDown.status, 503);
    t.is(typeof (await vaultDown.json()).detail, 'string');
    t.is((await fetch(`${gw.url}/readyz`)).status, 503);
    t.is((await fetch(`${gw.url}/healthz`)).status, 200, 'liveness does not depend on the database');

    await engine.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await fetch(`${gw.url}/gateway/v1/bootstrap`, { headers: key })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    t.is(status, 200, 'service resumes once the database is back');
    t.is((await fetch(`${gw.url}/readyz`)).status, 200);
  } finally {
    await gw.stop();
  }
});

test.serial('bootstrap runs once; a restart with DATA_DIR keeps tenants, users and keys', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'gw-data-'));
  try {
    const port = await freePort();
    const env = { DATA_DIR: dataDir, GATEWAY_MASTER_KEY: '', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` };
    const first = await startTestGateway(env);
    const bootstrapStatus = (await first.clients.admin.gateway.GET('/bootstrap')).data;
    t.true(bootstrapStatus?.bootstrapped);
    const tenant = await first.createTenant();
    const user = await first.createUser(tenant, 'kept-user');
    const { value } = await first.createApiKey(tenant, ['users:read']);
    await first.stop();

    const second = await startTestGateway({ ...env, GATEWAY_BOOTSTRAP_KEY: first.adminKey });
    try {
      const again = (await second.clients.admin.gateway.GET('/bootstrap')).data;
      t.is(again?.at, bootstrapStatus?.at, 'bootstrap did not run a second time');
      t.is(second.generatedAdminKey, undefined);
      t.truthy(await second.services.identity.tenants.get(tenant));
      t.is((await second.services.identity.users.get(tenant, user.id))?.username, 'kept-user');
      t.truthy(await second.services.identity.apiKeys.authenticate(value), 'the API key still authenticates (same master key from DATA_DIR)');
    } finally {
      await second.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test.serial('graceful shutdown finishes a request that is in flight and refuses new ones', async (t) => {
  const gw = await startTestGateway();
  const url = new URL(`${gw.url}/gateway/v1/core/swap`);
  // A swap upload whose body arrives slowly: it is in flight when shutdown starts.
  const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'X-API-Key': gw.adminKey, 'Content-Type': 'application/octet-stream', 'Content-Length': 8 } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write(Buffer.from([0, 0x61, 0x73, 0x6d]));
    setTimeout(() => req.end(Buffer.from([1, 0, 0, 0])), 400);
  });
  await new Promise((r) => setTimeout(r, 100));
  const stopping = gw.stop();
  const refused = await fetch(`${gw.url}/healthz`).then(
    () => 'answered',
    () => 'refused',
  );
  const result = await inFlight;
  await stopping;
  t.is(refused, 'refused', 'no new connections once shutdown has begun');
  t.is(result.status, 422, 'the in-flight request got its real answer (an empty module is refused)');
  t.regex(result.body, /refused|abi|export|compile/i);
});
