/**
 * What the in-process HTTP benchmarks share: a gateway on a free loopback port on the embedded
 * engine with response validation off (production), and autocannon run as a separate process so
 * that the load generator does not share the gateway's event loop.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { loadConfig, type GatewayConfig } from '../../server/config.ts';
import { startGateway, type RunningGateway } from '../../server/app.ts';
import { freePort } from '../../test/helpers/gateway.ts';

const run = promisify(execFile);

export interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

export async function startBenchGateway(): Promise<{ gw: RunningGateway; config: GatewayConfig }> {
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    GATEWAY_BOOTSTRAP_KEY: `bench-admin-${randomBytes(16).toString('hex')}`,
    GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'),
    VALIDATE_RESPONSES: '0',
    // STORE_THREAD=inline compares the embedded engine on the gateway's thread with its worker
    STORE_THREAD: process.env.STORE_THREAD ?? '',
  });
  return { gw: await startGateway(config, { log: pino({ level: 'silent' }) }), config };
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** A JSON body, sent by POST. */
  json?: object;
  /** An application/x-www-form-urlencoded body, sent by POST. */
  form?: string;
}

export async function autocannon(name: string, url: string, o: LoadOptions): Promise<Row> {
  const args = ['--json', '-c', String(o.connections), '-d', String(o.seconds), '-w', '1'];
  const headers = { ...(o.headers ?? {}), ...(o.json ? { 'content-type': 'application/json' } : {}), ...(o.form !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) };
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  if (o.json) args.push('-m', 'POST', '-b', JSON.stringify(o.json));
  if (o.form !== undefined) args.push('-m', 'POST', '-b', o.form);
  args.push(url);
  const { stdout } = await run('node_modules/.bin/autocannon', args, { maxBuffer: 64 << 20 });
  const r = JSON.parse(stdout);
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx + r.errors };
}
