/**
 * Directory native-login long polls at scale (1,000 native clients by default): how the
 * signal hub (server/identity/signals.ts) behaves with many waiters on one instance.
 *
 * Two gateway instances share one embedded engine, each through a counting TCP proxy (every
 * client→server wire message is one database command, driver monitoring included):
 * - W holds the waiters: BENCH_WAITERS native clients long-poll `waitforauthentication`
 *   (timeoutsec=60, polling again on 408, as real clients do);
 * - C serves the browser legs: authenticate, the Vault's authorize/complete (the Vault login itself
 *   through the login continuation, not a zkimg-1 proof, which is not what is measured here) and
 *   `onauthenticated`, which completes the native login.
 * Measured: W's database commands per second and the process CPU while every client idle-waits;
 * then, with logins completing on C at BENCH_RATE per second, the time from the `onauthenticated`
 * answer (the browser's completion) to the poll's answer on W (p50/p99), and W's commands/s.
 * Response validation is off (production).
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { pino } from 'pino';
import { loadConfig } from '../../server/config.ts';
import { startGateway, type RunningGateway } from '../../server/app.ts';
import { startEmbeddedMongo } from '../../server/store/engine/server.ts';
import { freePort, type TestGateway } from '../../test/helpers/gateway.ts';
import { loginFor } from '../../test/vault/_oidc.ts';
import { Browser } from '../../test/helpers/http-browser.ts';
import { APP_REDIRECT, authenticateUrl, nativeToken, onInstance } from '../../test/directory/_directory.ts';

const WAITERS = Number(process.env.BENCH_WAITERS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const COMPLETIONS = Number(process.env.BENCH_COMPLETIONS ?? 200);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 5);

/** A TCP proxy counting the wire messages from the client side (one per command). */
async function countingProxy(target: number): Promise<{ uri: string; count: () => number; close: () => void }> {
  let messages = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    // as the engine does: no Nagle delay on a request/reply protocol
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let pending = Buffer.alloc(0);
    client.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const length = pending.readInt32LE(0);
        if (pending.length < length) break;
        messages++;
        pending = pending.subarray(length);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { uri: `mongodb://127.0.0.1:${(server.address() as net.AddressInfo).port}/`, count: () => messages, close: () => server.close() };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const engine = await startEmbeddedMongo();
  const [proxyW, proxyC] = await Promise.all([countingProxy(engine.port), countingProxy(engine.port)]);
  const portC = await freePort();
  const shared = {
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${portC}`,
    GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'),
    GATEWAY_BOOTSTRAP_KEY: `bench-${randomBytes(16).toString('hex')}`,
    MONGODB_DB: 'bench',
    LOG_LEVEL: 'silent',
  };
  const log = pino({ level: 'silent' });
  const c = await startGateway(loadConfig({ ...shared, PORT: String(portC), MONGODB_URI: proxyC.uri }), { log });
  const w = await startGateway(loadConfig({ ...shared, PORT: '0', MONGODB_URI: proxyW.uri }), { log });
  const { setVaultSettings } = await import('../../test/vault/auth-helpers.ts');
  await setVaultSettings(c as TestGateway, 'default', {});
  await c.services.store.directoryApplications.insertOne({
    _id: 'default|bench', tenantId: 'default', appId: 'bench', name: 'Bench', url: null, claims: ['access:client'], scopes: [], redirectUrls: [APP_REDIRECT],
    createdAt: new Date(), updatedAt: new Date(),
  });
  const user = await c.services.identity.users.create('default', { username: `bench-${randomBytes(4).toString('hex')}`, email: 'bench@example.test' });

  // Every client starts its browser login on C (so its native token is pending), then long-polls W.
  interface Client { token: string; browser: Browser; upstream: URL; completedAt?: number; answeredAt?: number }
  const clients: Client[] = [];
  for (let i = 0; i < WAITERS; i++) {
    // one address per user, as behind a load balancer (the Vault limits authorize per address)
    const browser = new Browser({ 'x-forwarded-for': `198.51.${(i >> 8) & 255}.${i & 255}` });
    const token = nativeToken();
    const start = await browser.visit(authenticateUrl(c.url, { nativetoken: token }));
    if (start.status !== 302) throw new Error(`authenticate ${start.status} ${start.body}`);
    clients.push({ token, browser, upstream: start.location! });
  }
  const stop = new AbortController();
  let timeouts = 0;
  let failures = 0;
  const polls = clients.map(async (cl) => {
    while (!stop.signal.aborted) {
      try {
        const res = await fetch(`${w.url}/directory/api/directorysession/waitforauthentication?timeoutsec=60`, { headers: { authorization: `Bearer ${cl.token}` }, signal: stop.signal });
        await res.arrayBuffer();
        if (res.status === 200) {
          cl.answeredAt = performance.now();
          return;
        }
        if (res.status === 408) timeouts++;
        else {
          failures++;
          return;
        }
      } catch {
        return;
      }
    }
  });
  // Settle: every poll is registered on W's hub, then a second more.
  const hub = w.services.identity.signals;
  while (hub.stats().waiters < WAITERS) await sleep(100);
  await sleep(1000);

  // Idle: every client waits, nothing completes.
  const idleStats0 = hub.stats();
  const cmd0 = proxyW.count();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(IDLE_SECONDS * 1000);
  const idleSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const idleCommands = (proxyW.count() - cmd0) / idleSeconds;
  const idlePolls = (hub.stats().polls - idleStats0.polls) / idleSeconds;
  const idleCpu = (cpu.user + cpu.system) / 1e6 / idleSeconds;

  // Load: logins complete on C at RATE per second.
  const cmd1 = proxyW.count();
  const l0 = performance.now();
  const legs: Promise<void>[] = [];
  for (let i = 0; i < Math.min(COMPLETIONS, WAITERS); i++) {
    const cl = clients[i]!;
    legs.push(
      (async () => {
        const authorize = await cl.browser.visit(onInstance(cl.upstream, c.url));
        const login = await loginFor(c as TestGateway, 'default', user._id, authorize.location!);
        const complete = await cl.browser.visit(`${c.url}/api/oidc/default/authorize/complete?auth_req_id=${login.authReqId}&nonce=${encodeURIComponent(login.nonce)}`);
        const callback = await cl.browser.visit(onInstance(complete.location!, c.url));
        cl.completedAt = performance.now();
        if (callback.status !== 302) failures++;
      })(),
    );
    await sleep(1000 / RATE);
  }
  await Promise.all(legs);
  const deadline = performance.now() + 5000;
  while (clients.slice(0, COMPLETIONS).some((cl) => cl.answeredAt === undefined) && performance.now() < deadline) await sleep(20);
  const loadSeconds = (performance.now() - l0) / 1000;
  const loadCommands = (proxyW.count() - cmd1) / loadSeconds;
  const latencies = clients
    .filter((cl) => cl.completedAt !== undefined && cl.answeredAt !== undefined)
    .map((cl) => Math.max(0, cl.answeredAt! - cl.completedAt!))
    .sort((a, b) => a - b);
  const unanswered = clients.slice(0, COMPLETIONS).filter((cl) => cl.answeredAt === undefined).length;

  stop.abort();
  await Promise.allSettled(polls);
  await w.stop();
  await c.stop();
  proxyW.close();
  proxyC.close();
  await engine.stop();

  const pollMs = w.services.config.signalPollMs;
  console.log(`waiters ${WAITERS} on one instance, signal poll every ${pollMs} ms, completions ${COMPLETIONS} at ${RATE}/s on another instance`);
  console.log('| measure | value |');
  console.log('| --- | --- |');
  console.log(`| idle: waiting instance's database commands/s | ${idleCommands.toFixed(1)} (hub polls/s ${idlePolls.toFixed(1)}) |`);
  console.log(`| idle: process CPU (both gateways, engine, clients) | ${(idleCpu * 100).toFixed(1)} % of one core |`);
  console.log(`| load: completion → poll answer p50 | ${percentile(latencies, 50).toFixed(1)} ms |`);
  console.log(`| load: completion → poll answer p99 | ${percentile(latencies, 99).toFixed(1)} ms |`);
  console.log(`| load: waiting instance's database commands/s | ${loadCommands.toFixed(1)} |`);
  console.log(`| answered / completed, unanswered, failures, 408s | ${latencies.length} / ${Math.min(COMPLETIONS, WAITERS)}, ${unanswered}, ${failures}, ${timeouts} |`);
  if (unanswered > 0 || failures > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
