/**
 * Full zkimg-1 logins per second (Get Challenge + Authenticate, 64 x 64 = 4,096-bit template, 5 %
 * noise) with p50/p99 latency, on the WASM crypto core and on the @noble reference core, in one
 * run.
 *
 * Each core gets its own gateway in a child process (_core-child.ts), one after the other, so that
 * the load generator here (which builds every proof with the reference client, as a browser
 * would) does not share the gateway's event loop, and the two gateways never compete.
 *
 * Columns: logins/s over the run; p50/p99 of a whole login as the user waits for it (challenge,
 * client proof, authenticate); p50/p99 of the Authenticate request alone (the server's
 * verification path, where the core's zkimgVerify runs); the client proof's p50 and the load
 * generator's CPU over the run, which show whether the generator rather than the gateway set the
 * pace (near 100 % of a core it did).
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { percentile, serveOnCore, servingCore, startOnCore, type Core } from './_core-child.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 16);
const DIM: [number, number] = [64, 64];
const NOISE_PERCENT = 5;

// ------------------------------------------------------------------ serve mode (child)

async function serve(core: Core): Promise<void> {
  const { vaultSettingsOf } = await import('../../server/identity/vault/tenant-settings.ts');
  await serveOnCore(core, async (gw) => {
    const tenant = (await gw.services.identity.tenants.get('default'))!;
    await gw.services.identity.tenants.update('default', { settings: { vault: { ...vaultSettingsOf(tenant), register_enable: true } } });
  });
}

// ------------------------------------------------------------------ load (parent)

interface Row {
  core: string;
  logins: number;
  perSecond: number;
  loginP50: number;
  loginP99: number;
  authP50: number;
  authP99: number;
  failures: number;
  /** Client proof time (the load generator's share of a login), p50 ms. */
  proofP50: number;
  /** CPU the load generator used over the run, in % of one core (100 = one core saturated). */
  generatorCpu: number;
}

async function load(core: 'wasm' | 'reference'): Promise<Row> {
  const zk = await import('../../test/helpers/zkimg-client.ts');
  const { url, stop } = await startOnCore(fileURLToPath(import.meta.url), core);
  try {
    // Each user logs in from an address of its own (X-Forwarded-For, which the gateway trusts from
    // loopback): one address runs at most `ip_attempts_limit` credential checks at once by design.
    const post = async (path: string, body: unknown, from = '198.51.100.1') => {
      const res = await fetch(`${url}/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': from }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    // One user per worker, so the workers never wait on each other's records.
    const users = await Promise.all(
      Array.from({ length: WORKERS }, async (_, i) => {
        const username = `bench-${i}`;
        const cipherKey = `bench-cipher-key-${i}-${randomUUID()}`;
        const template = zk.templateFromSeed(DIM, username);
        const enrolment = zk.enrol({ template, dim: DIM, cipherKey, tenantId: 'default', username });
        const reg = await post('/auth/register', zk.registerBody(enrolment, username, `${username}@example.test`));
        if (reg.status !== 201) throw new Error(`register answered ${reg.status}: ${JSON.stringify(reg.body)}`);
        const fresh = zk.flip(template, zk.flipsForPercent(4096, NOISE_PERCENT), `${username}/noise`);
        return { username, cipherKey, fresh, Y: enrolment.Y, from: `198.51.100.${10 + i}` };
      }),
    );
    const proofs: number[] = [];
    const loginOnce = async (u: (typeof users)[number], auth: number[] | null): Promise<boolean> => {
      const c = await post('/auth/challenge', { username: u.username, cipherKey: u.cipherKey }, u.from);
      if (c.status !== 200) return false;
      const p0 = performance.now();
      const { body } = zk.answerChallenge({ challengeData: c.body.challenge_data as string, template: u.fresh, Y: u.Y, username: u.username, cipherKey: u.cipherKey });
      proofs.push(performance.now() - p0);
      const t0 = performance.now();
      const a = await post('/auth/authenticate', body, u.from);
      auth?.push(performance.now() - t0);
      return a.status === 200;
    };
    for (const u of users) await loginOnce(u, null); // warm-up (JIT, caches, first inserts)
    proofs.length = 0;

    const logins: number[] = [];
    const auths: number[] = [];
    let failures = 0;
    const cpu0 = process.cpuUsage();
    const began = performance.now();
    const deadline = began + SECONDS * 1000;
    await Promise.all(
      users.map(async (u) => {
        while (performance.now() < deadline) {
          const t0 = performance.now();
          if (await loginOnce(u, auths)) logins.push(performance.now() - t0);
          else failures++;
        }
      }),
    );
    const elapsed = (performance.now() - began) / 1000;
    const cpu = process.cpuUsage(cpu0);
    logins.sort((a, b) => a - b);
    auths.sort((a, b) => a - b);
    proofs.sort((a, b) => a - b);
    return {
      core,
      logins: logins.length,
      perSecond: logins.length / elapsed,
      loginP50: percentile(logins, 50),
      loginP99: percentile(logins, 99),
      authP50: percentile(auths, 50),
      authP99: percentile(auths, 99),
      failures,
      proofP50: percentile(proofs, 50),
      generatorCpu: (cpu.user + cpu.system) / 1e4 / elapsed,
    };
  } finally {
    await stop();
  }
}

async function main(): Promise<void> {
  console.log(`zkimg-1 logins: ${DIM[0]}x${DIM[1]} template (4,096 bits, r = 15), ${NOISE_PERCENT} % noise, ${WORKERS} concurrent users (each from its own address), ${SECONDS} s per core, ${cpus().length} CPUs; gateway in a child process, embedded store`);
  const rows: Row[] = [];
  for (const core of ['wasm', 'reference'] as const) rows.push(await load(core));
  const f = (x: number) => x.toFixed(1).padStart(8);
  console.log(`${'core'.padEnd(10)} ${'logins'.padStart(7)} ${'logins/s'.padStart(9)} ${'login p50'.padStart(10)} ${'login p99'.padStart(10)} ${'auth p50'.padStart(9)} ${'auth p99'.padStart(9)} ${'failed'.padStart(7)} ${'proof p50'.padStart(10)} ${'generator CPU'.padStart(14)}`);
  for (const r of rows) {
    console.log(`${r.core.padEnd(10)} ${String(r.logins).padStart(7)} ${r.perSecond.toFixed(1).padStart(9)} ${f(r.loginP50)}ms ${f(r.loginP99)}ms ${r.authP50.toFixed(1).padStart(7)}ms ${r.authP99.toFixed(1).padStart(7)}ms ${String(r.failures).padStart(7)} ${r.proofP50.toFixed(1).padStart(8)}ms ${`${r.generatorCpu.toFixed(0)} %`.padStart(14)}`);
  }
  console.log('proof p50: the client proof the load generator computes per login (the reference client, as a browser would);');
  console.log('generator CPU: what this process used over the run, in % of one core: near 100 % the generator, not the gateway, sets the pace.');
  if (rows.some((r) => r.failures > 0)) process.exitCode = 1;
}

const serveAs = servingCore();
if (serveAs !== null) await serve(serveAs);
else await main();
