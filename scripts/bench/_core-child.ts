/**
 * A gateway on a chosen crypto core in a child process, for the benchmarks that compare the WASM
 * core with the @noble reference core in one run (vault-zkimg.ts, passkeys.ts).
 *
 * The benchmark file runs itself again with BENCH_CORE_SERVE set: in that child, `serveOnCore`
 * starts the gateway and prints its URL and the core it really runs, so the load generator (the
 * parent) never shares the gateway's event loop and the two gateways never compete. The reference
 * gateway is started with CORE_WASM_PATH on a missing file: the holder falls back to @noble, which
 * the parent checks before it measures. Embedded store, response validation off.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import type { RunningGateway } from '../../server/app.ts';

export type Core = 'wasm' | 'reference';

const SERVE_ENV = 'BENCH_CORE_SERVE';

/** The core this process must serve on, when it is a benchmark's child. */
export function servingCore(): Core | null {
  const core = process.env[SERVE_ENV];
  return core === 'wasm' || core === 'reference' ? core : null;
}

/** Child side: starts the gateway on `core`, lets `prepare` set the tenant up, prints `{url, core}`. */
export async function serveOnCore(core: Core, prepare: (gw: RunningGateway) => Promise<void>): Promise<void> {
  const { loadConfig } = await import('../../server/config.ts');
  const { startGateway } = await import('../../server/app.ts');
  const { freePort } = await import('../../test/helpers/gateway.ts');
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'),
    GATEWAY_BOOTSTRAP_KEY: `bench-${randomUUID()}`,
    VALIDATE_RESPONSES: '0',
    ...(core === 'reference' ? { CORE_WASM_PATH: '/nonexistent/bench-forces-the-reference-core.wasm' } : {}),
  });
  const gw = await startGateway(config, { log: pino({ level: 'silent' }) });
  await prepare(gw);
  process.stdout.write(`${JSON.stringify({ url: gw.url, core: gw.services.crypto.current().name })}\n`);
  process.on('SIGTERM', () => void gw.stop().then(() => process.exit(0)));
}

export interface CoreChild {
  url: string;
  stop(): Promise<void>;
}

/** Parent side: runs `file` as the child serving on `core`; refuses a child that runs another core. */
export async function startOnCore(file: string, core: Core): Promise<CoreChild> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', file], {
    env: { ...process.env, [SERVE_ENV]: core },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`gateway (${core}) exited with ${code}`)));
  });
  const { url, core: active } = JSON.parse(line) as { url: string; core: string };
  if (active !== core) {
    await stop();
    throw new Error(`asked for the ${core} core, the gateway runs ${active}`);
  }
  return { url, stop };
}

export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
