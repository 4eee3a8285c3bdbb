/**
 * A store that is down never turns into a crash or a hang, and a busy gateway sheds load instead
 * of queueing: at start (alive, not ready, 503 in each API's shape, keeps retrying), while serving
 * (the store as its own process, `npm run store`, killed and restarted), and past MAX_IN_FLIGHT.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../server/config.ts';
import { startGateway } from '../../server/app.ts';
import { startEmbeddedMongo } from '../../server/store/engine/server.ts';
import { freePort, startTestGateway } from '../helpers/gateway.ts';
import { startProcess } from '../helpers/processes.ts';

/** A bound for "answers quickly, never hangs": generous, since it only has to catch a hang. */
const ANSWER_BOUND_MS = 30_000;

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, signal: AbortSignal.timeout(ANSWER_BOUND_MS) });

function gatewayConfig(port: number, storePort: number) {
  return loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    MONGODB_URI: `mongodb://127.0.0.1:${storePort}/`,
    MONGODB_DB: 'gw_availability',
    GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'),
    GATEWAY_BOOTSTRAP_KEY: `test-admin-${randomBytes(18).toString('hex')}`,
    VALIDATE_RESPONSES: '1',
    SHUTDOWN_GRACE_MS: '500',
  });
}

test('store down at start: alive, not ready, 503 with Retry-After in each API\'s shape; ready by itself once the store answers', async (t) => {
  const port = await freePort();
  const storePort = await freePort();
  const config = gatewayConfig(port, storePort);
  let onListening: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (onListening = resolve));
  const starting = startGateway(config, { log: pino({ level: 'silent' }), onListening });
  starting.catch(() => undefined);
  const url = await listening;

  t.is((await get(`${url}/healthz`)).status, 200, 'alive');
  const ready = await get(`${url}/readyz`);
  t.is(ready.status, 503);
  const vault = await get(`${url}/api/users/default`, { 'X-API-Key': config.bootstrapKey as string });
  t.is(vault.status, 503);
  t.is(vault.headers.get('retry-after'), '2');
  t.truthy(vault.headers.get('x-error-id'));
  t.regex(((await vault.json()) as { detail: string }).detail, /store does not answer yet/);
  const passkeys = await get(`${url}/fido2/v2/mgmt/user?username=x`);
  t.like(await passkeys.json(), { msgCode: 'service_unavailable' });
  const directory = await get(`${url}/directory/api/directorysession/userinfo`);
  t.like(await directory.json(), { code: 'E_ServiceUnavailable', error: true });
  const conjure = await fetch(`${url}/authorization/v1/user-orgs`, { method: 'POST', signal: AbortSignal.timeout(ANSWER_BOUND_MS) });
  t.like(await conjure.json(), { errorCode: 'CUSTOM_SERVER', errorName: 'Default:ServiceUnavailable' });
  const metrics = await (await get(`${url}/metrics`)).text();
  t.regex(metrics, /^gateway_database_up 0$/m);

  const store = await startEmbeddedMongo({ port: storePort });
  try {
    const gateway = await starting;
    try {
      t.is((await get(`${url}/readyz`)).status, 200);
      t.is((await get(`${url}/api/users/default`, { 'X-API-Key': config.bootstrapKey as string })).status, 200);
    } finally {
      await gateway.stop();
    }
  } finally {
    await store.stop();
  }
});

test('store lost while serving (its own process, killed): bounded 503s in the API\'s shape, /metrics shows it, recovery on its own', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-store-'));
  const storePort = await freePort();
  const storeEnv = { DATA_DIR: dataDir, STORE_PORT: String(storePort) };
  let store = startProcess('scripts/store.ts', [], storeEnv);
  await store.waitFor(/store listening/);
  const port = await freePort();
  const config = gatewayConfig(port, storePort);
  const gateway = await startGateway(config, { log: pino({ level: 'silent' }) });
  const key = { 'X-API-Key': config.bootstrapKey as string };
  try {
    t.is((await get(`${gateway.url}/api/users/default`, key)).status, 200);
    await store.kill('SIGKILL');

    const down = await get(`${gateway.url}/api/users/default`, key);
    t.is(down.status, 503);
    t.is(down.headers.get('retry-after'), '2');
    t.regex(((await down.json()) as { detail: string }).detail, /database is unavailable/);
    t.is((await get(`${gateway.url}/healthz`)).status, 200);
    t.is((await get(`${gateway.url}/readyz`)).status, 503);
    t.regex(await (await get(`${gateway.url}/metrics`)).text(), /^gateway_database_up 0$/m);

    store = startProcess('scripts/store.ts', [], storeEnv);
    await store.waitFor(/store listening/);
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await get(`${gateway.url}/api/users/default`, key)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    t.is(status, 200, 'the gateway recovered by itself');
    t.regex(await (await get(`${gateway.url}/metrics`)).text(), /^gateway_database_up 1$/m);
  } finally {
    await gateway.stop();
    await store.kill('SIGTERM');
  }
});

/** Opens a request whose body never finishes, so that it stays in flight. */
function hangingRequest(url: URL, key: string): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`POST /api/users/default HTTP/1.1\r\nHost: ${url.host}\r\nX-API-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
      setTimeout(() => resolve(socket), 100);
    });
    socket.on('error', () => undefined);
  });
}

test('past MAX_IN_FLIGHT requests are shed at once with 503 and Retry-After in the API\'s shape, and served again when load falls', async (t) => {
  const gw = await startTestGateway({ MAX_IN_FLIGHT: '2' });
  try {
    const url = new URL(gw.url);
    const held = [await hangingRequest(url, gw.adminKey), await hangingRequest(url, gw.adminKey)];
    // the two held requests count once the gateway has read their heads
    let shed = await get(`${gw.url}/api/users/default`, { 'X-API-Key': gw.adminKey });
    for (let i = 0; i < 100 && shed.status !== 503; i++) {
      await new Promise((r) => setTimeout(r, 100));
      shed = await get(`${gw.url}/api/users/default`, { 'X-API-Key': gw.adminKey });
    }
    t.is(shed.status, 503);
    t.is(shed.headers.get('retry-after'), '1');
    t.regex(((await shed.json()) as { detail: string }).detail, /overloaded/);
    const passkeys = await get(`${gw.url}/fido2/v2/mgmt/user?username=x`);
    t.like(await passkeys.json(), { msgCode: 'service_unavailable' });
    t.is((await get(`${gw.url}/healthz`)).status, 200, 'health is outside the limit');
    for (const s of held) s.destroy();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await get(`${gw.url}/api/users/default`, { 'X-API-Key': gw.adminKey })).status;
    }
    t.is(status, 200);
  } finally {
    await gw.stop();
  }
});

test('unknown tenants: 404 in the API\'s shape for a platform admin and on public routes; another tenant\'s key gets the same 403 for unknown and existing tenants', async (t) => {
  const gw = await startTestGateway();
  try {
    const admin = { 'X-API-Key': gw.adminKey };
    const users = await get(`${gw.url}/api/users/..%2F..%2Fetc`, admin);
    t.is(users.status, 404);
    t.regex(((await users.json()) as { detail: string }).detail, /Tenant "..\/..\/etc" not found/);
    const scim = await get(`${gw.url}/api/scim/v2/nope/Users`, admin);
    t.is(scim.status, 404);
    t.like(await scim.json(), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });
    const token = await fetch(`${gw.url}/api/oidc/nope/token/standard`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    t.is(token.status, 404);
    t.like(await token.json(), { error: 'invalid_request' });
    t.is((await get(`${gw.url}/api/oidc/nope/.well-known/openid-configuration`)).status, 404);

    const tenant = await gw.createTenant();
    const { value } = await gw.createApiKey(tenant, ['*']);
    const unknown = await get(`${gw.url}/api/users/nope`, { 'X-API-Key': value });
    const other = await get(`${gw.url}/api/users/default`, { 'X-API-Key': value });
    t.is(unknown.status, 403);
    t.is(other.status, 403);
    t.deepEqual(await unknown.json(), await other.json(), 'no oracle for which tenants exist');
  } finally {
    await gw.stop();
  }
});
