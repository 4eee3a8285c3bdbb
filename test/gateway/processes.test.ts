/**
 * What happens between processes: a second gateway on the same data directory, a busy port on
 * the first start, and minting a platform admin key with the admin CLI. Every gateway here is
 * `make run`'s entry point in its own process.
 */
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/gateway.ts';
import { startGatewayProcess, startProcess } from '../helpers/processes.ts';
import { connectStore } from '../../server/store/connect.ts';

const masterKey = () => randomBytes(32).toString('hex');

async function createUser(url: string, key: string, username: string): Promise<number> {
  const res = await fetch(`${url}/api/users/default`, {
    method: 'POST',
    headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ user_id: '-', tenant_id: 'default', username, email: `${username}@example.com` }),
  });
  return res.status;
}

async function userExists(url: string, key: string, username: string): Promise<boolean> {
  const res = await fetch(`${url}/api/users/default/by-username/${username}`, { headers: { 'X-API-Key': key } });
  return res.status === 200;
}

test('a second gateway on the same data directory refuses to start, naming the holder; no acknowledged write is lost', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-lock-'));
  const env = { DATA_DIR: dataDir, GATEWAY_MASTER_KEY: masterKey(), HOST: '127.0.0.1' };
  const first = await startGatewayProcess({ ...env, PORT: String(await freePort()) });
  const key = first.adminKey as string;
  t.truthy(key, 'the first start printed the bootstrap key');
  try {
    t.is(await createUser(first.url, key, 'before'), 201);
    const second = startProcess('server/main.ts', [], { ...env, PORT: String(await freePort()) });
    t.is(await second.exited, 1);
    t.regex(second.stderr(), new RegExp(`data directory .* is in use by process ${first.child.pid} on `));
    t.notRegex(second.stderr(), /\n\s+at /, 'no stack trace');
    t.is(await createUser(first.url, key, 'after'), 201, 'the first gateway still writes');
  } finally {
    await first.kill('SIGTERM');
  }
  const again = await startGatewayProcess({ ...env, PORT: String(await freePort()) });
  try {
    t.true(await userExists(again.url, key, 'before'));
    t.true(await userExists(again.url, key, 'after'));
    t.is(again.adminKey, undefined, 'the key is printed only on the first start');
  } finally {
    await again.kill('SIGTERM');
  }
});

test('a stale lock from a killed gateway does not stop the next start', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-stale-'));
  const env = { DATA_DIR: dataDir, GATEWAY_MASTER_KEY: masterKey(), HOST: '127.0.0.1' };
  const first = await startGatewayProcess({ ...env, PORT: String(await freePort()) });
  t.is(await createUser(first.url, first.adminKey as string, 'acknowledged'), 201);
  t.is(await first.kill('SIGKILL'), 'SIGKILL');
  t.true(existsSync(join(dataDir, 'LOCK')), 'the dead holder left its LOCK file behind');
  const next = await startGatewayProcess({ ...env, PORT: String(await freePort()) });
  try {
    t.true(await userExists(next.url, first.adminKey as string, 'acknowledged'));
  } finally {
    await next.kill('SIGTERM');
  }
});

test('a busy port on the first start: one line, no stack, nothing created; the next start prints the key', async (t) => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'gw-port-')), 'data');
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  const env = { DATA_DIR: dataDir, GATEWAY_MASTER_KEY: masterKey(), HOST: '127.0.0.1', PORT: String(port) };
  const refused = startProcess('server/main.ts', [], env);
  t.is(await refused.exited, 1);
  t.is(refused.stderr().trim(), `gateway: cannot listen on 127.0.0.1:${port}: the address is already in use (another gateway? choose another PORT)`);
  t.false(existsSync(dataDir) && readdirSync(dataDir).some((f) => f.startsWith('snapshot') || f.startsWith('journal')), 'no store was written');
  await new Promise<void>((resolve) => blocker.close(() => resolve()));
  const started = await startGatewayProcess(env);
  try {
    t.regex(started.adminKey ?? '', /^gk_/, 'the one-time key is printed by the start that can serve it');
  } finally {
    await started.kill('SIGTERM');
  }
});

test('npm run admin -- mint-key: refused while the gateway holds the data directory, then mints a working platform admin key, audited', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-mint-'));
  const env = { DATA_DIR: dataDir, HOST: '127.0.0.1' };
  // no GATEWAY_MASTER_KEY: the gateway keeps its generated master key in DATA_DIR, as make run does
  const gateway = await startGatewayProcess({ ...env, PORT: String(await freePort()) });
  const whileRunning = startProcess('scripts/admin.ts', ['mint-key'], env);
  t.is(await whileRunning.exited, 1);
  t.regex(whileRunning.stderr(), /is in use by process .* \(stop the gateway to mint a key\)/);
  await gateway.kill('SIGTERM');

  const wrongMaster = startProcess('scripts/admin.ts', ['mint-key'], { ...env, GATEWAY_MASTER_KEY: masterKey() });
  t.is(await wrongMaster.exited, 1);
  t.regex(wrongMaster.stderr(), /master key does not open this store/);

  const mint = startProcess('scripts/admin.ts', ['mint-key', 'recovery'], env);
  t.is(await mint.exited, 0, mint.stderr());
  const [, keyId, value] = mint.stdout().match(/New platform admin API key (\S+) \(shown once, store it now\): (\S+)/) ?? [];
  t.truthy(value);

  const again = await startGatewayProcess({ ...env, PORT: String(await freePort()) });
  try {
    const res = await fetch(`${again.url}/gateway/v1/core`, { headers: { 'X-API-Key': value } });
    t.is(res.status, 200, 'the minted key is a platform admin key');
  } finally {
    await again.kill('SIGTERM');
  }
  const store = await connectStore({ dataDir });
  try {
    const audit = await store.db.collection('auditLog').findOne({ action: 'api_key.mint_platform_admin', target: keyId });
    t.truthy(audit);
    t.regex(String(audit?.actorId ?? ''), /^admin-cli:/);
  } finally {
    await store.close();
  }
});
