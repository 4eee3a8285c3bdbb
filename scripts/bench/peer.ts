/**
 * The gateway beside a peer, in one run: `oidc-provider` (panva's OpenID-certified provider, a dev
 * dependency only) configured as close to the gateway's Vault OpenID provider as it allows, and a
 * bare Express 5 app (one JSON route, no middleware) as the floor. Same load for each: autocannon
 * (its own process) with CONNECTIONS connections for SECONDS seconds per row; refresh grants by
 * WORKERS fetch loops each rotating its own token chain (a replayed refresh token is reuse).
 *
 * Each server runs in a child process of its own (this file in serve mode), one after the other, so
 * none shares an event loop with the load generator or with another server.
 *
 * Rows: client_credentials grant (client_secret_basic, a JWT access token, EdDSA); refresh grant
 * (rotation, a new JWT access token and an ID token); a bearer-protected read (userinfo);
 * discovery; JWKS. Printed: requests/s, p50/p99, gateway / peer per row, bearer read / bare Express.
 *
 * What differs between the two setups (printed under the table too):
 * - store: the gateway keeps clients, tokens, sessions and users in its embedded MongoDB-compatible
 *   engine, reached over the wire protocol and journaled to memory; oidc-provider keeps them in its
 *   in-memory adapter (a Map), with nothing durable and nothing shared between instances;
 * - security work the gateway does and the peer does not: client-authentication lockout per
 *   client (a rate-limit read), refresh-token families with reuse detection, the session's
 *   token-issue record, request validation against the OpenAPI spec;
 * - the peer's userinfo takes an opaque access token (a Map lookup); the gateway's takes its JWT
 *   access token (signature through the crypto core's verified-token cache) and checks the session;
 * - the peer's refresh token was minted through its models (no login), the gateway's by a code flow.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { autocannon, type Row } from './_harness.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 32);
const SECRET = 'bench-secret-'.padEnd(40, 'x');
const REDIRECT = 'http://127.0.0.1:9/cb';
const FIXTURE = 'fixture: ';

/** What a server in serve mode reports to the parent. */
interface Fixture {
  url: string;
  token: string;
  discovery: string;
  jwks: string;
  userinfo: string;
  /** a userinfo access token */
  accessToken: string;
  clientId: string;
  /** one refresh token per worker */
  refreshTokens: string[];
}

// ------------------------------------------------------------------ serve mode (children)

async function serveGateway(): Promise<Fixture> {
  const { startBenchGateway } = await import('./_harness.ts');
  const { codeFor } = await import('../../test/vault/_oidc.ts');
  const { gw, config } = await startBenchGateway();
  const identity = gw.services.identity;
  const tenantId = 'bench-peer';
  await identity.tenants.create({ id: tenantId, name: tenantId });
  const user = await identity.users.create(tenantId, { username: 'bench-user', email: 'bench@example.test', emailVerified: true });
  const { client } = await identity.clients.create(tenantId, {
    name: 'bench',
    type: 'confidential',
    secret: SECRET,
    tokenEndpointAuthMethod: 'client_secret_basic',
    redirectUris: [REDIRECT],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    allowedScopes: ['openid', 'email', 'offline_access', 'users:read'],
  });
  const issuer = `${config.publicUrl}/api/oidc/${tenantId}`;
  const basic = `Basic ${Buffer.from(`${client.clientId}:${SECRET}`).toString('base64')}`;
  const refreshTokens: string[] = [];
  let accessToken = '';
  for (let i = 0; i < WORKERS; i++) {
    const { code, verifier } = await codeFor(gw as never, issuer, tenantId, user._id, { clientId: client.clientId, scope: 'openid email offline_access' });
    const res = await fetch(`${issuer}/token/standard`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier! }),
    });
    const body = await res.json();
    if (res.status !== 200) throw new Error(`gateway code exchange answered ${res.status}: ${JSON.stringify(body)}`);
    refreshTokens.push(body.refresh_token);
    accessToken = body.access_token;
  }
  return {
    url: gw.url,
    token: `${issuer}/token/standard`,
    discovery: `${issuer}/.well-known/openid-configuration`,
    jwks: `${issuer}/.well-known/jwks`,
    userinfo: `${issuer}/userinfo`,
    accessToken,
    clientId: client.clientId,
    refreshTokens,
  };
}

async function servePeer(): Promise<Fixture> {
  const { default: Provider } = await import('oidc-provider');
  const { exportJWK, generateKeyPair } = await import('jose');
  const { createServer } = await import('node:http');
  const { freePort } = await import('../../test/helpers/gateway.ts');
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'EdDSA', use: 'sig', kid: randomUUID() };
  const accountId = randomUUID();
  const resource = 'urn:bench:api';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'bench',
        client_secret: SECRET,
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        redirect_uris: [REDIRECT],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: 'EdDSA',
        scope: 'openid email offline_access users:read',
      },
    ],
    jwks: { keys: [jwk as never] },
    scopes: ['openid', 'email', 'offline_access', 'users:read'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id, email: 'bench@example.test', email_verified: true }) }),
    rotateRefreshToken: true,
    ttl: { AccessToken: 3600, ClientCredentials: 600, IdToken: 3600, RefreshToken: 14 * 86400, Grant: 14 * 86400 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'users:read email', accessTokenFormat: 'jwt', jwt: { sign: { alg: 'EdDSA' } } }),
      },
    },
  } as never);
  const server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const client = await provider.Client.find('bench');
  // Tokens minted through the provider's own models (what its code flow would save).
  const grantFor = async (scope: string, resourceScope?: string) => {
    const grant = new provider.Grant({ accountId, clientId: 'bench' });
    grant.addOIDCScope(scope);
    if (resourceScope) grant.addResourceScope(resource, resourceScope);
    return grant.save();
  };
  const refreshTokens: string[] = [];
  for (let i = 0; i < WORKERS; i++) {
    const grantId = await grantFor('openid email offline_access', 'email');
    const rt = new provider.RefreshToken({ accountId, client, grantId, gty: 'authorization_code', scope: 'openid email offline_access', resource, authTime: Math.floor(Date.now() / 1000) } as never);
    refreshTokens.push(await rt.save());
  }
  const userinfoGrant = await grantFor('openid email');
  const accessToken = await new provider.AccessToken({ accountId, client, grantId: userinfoGrant, scope: 'openid email', gty: 'authorization_code' } as never).save();
  return {
    url: issuer,
    token: `${issuer}/token`,
    discovery: `${issuer}/.well-known/openid-configuration`,
    jwks: `${issuer}/jwks`,
    userinfo: `${issuer}/me`,
    accessToken,
    clientId: 'bench',
    refreshTokens,
  };
}

async function serveExpress(): Promise<Fixture> {
  const { default: express } = await import('express');
  const { freePort } = await import('../../test/helpers/gateway.ts');
  const port = await freePort();
  const app = express();
  app.get('/', (_req, res) => {
    res.json({ sub: 'bench', email: 'bench@example.test' });
  });
  await new Promise<void>((resolve) => app.listen(port, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  return { url, token: '', discovery: '', jwks: '', userinfo: `${url}/`, accessToken: '', clientId: '', refreshTokens: [] };
}

// ------------------------------------------------------------------ load (parent)

type Kind = 'gateway' | 'peer' | 'express';

async function startChild(kind: Kind): Promise<{ child: ChildProcess; fixture: Fixture }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_PEER_SERVE: kind },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    // oidc-provider writes notices to stdout: the fixture is the line that says so
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (l) => {
      if (l.startsWith(FIXTURE)) resolve(l.slice(FIXTURE.length));
    });
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}`)));
  });
  return { child, fixture: JSON.parse(line) as Fixture };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function refreshLoad(name: string, f: Fixture): Promise<Row> {
  const auth = `Basic ${Buffer.from(`${f.clientId}:${SECRET}`).toString('base64')}`;
  const latencies: number[] = [];
  let failures = 0;
  const began = performance.now();
  const deadline = began + SECONDS * 1000;
  await Promise.all(
    f.refreshTokens.map(async (initial) => {
      let token = initial;
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const res = await fetch(f.token, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }),
        });
        const body = await res.json();
        if (res.status !== 200 || typeof body.refresh_token !== 'string' || typeof body.id_token !== 'string') {
          if (failures++ === 0) console.error(`${name}: ${res.status} ${JSON.stringify(body)}`);
          break;
        }
        latencies.push(performance.now() - t0);
        token = body.refresh_token;
      }
    }),
  );
  const elapsed = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  return { name, rps: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), non2xx: failures };
}

async function measure(kind: Kind): Promise<Record<string, Row>> {
  const { child, fixture: f } = await startChild(kind);
  const load = (name: string, url: string, headers: Record<string, string> = {}, body?: string) =>
    autocannon(name, url, { connections: CONNECTIONS, seconds: SECONDS, headers, ...(body ? { form: body } : {}) });
  try {
    if (kind === 'express') return { floor: await load('bare Express 5', f.userinfo) };
    const basic = `Basic ${Buffer.from(`${f.clientId}:${SECRET}`).toString('base64')}`;
    // Each row's request once, so a misconfiguration fails loudly instead of measuring errors.
    const cc = new URLSearchParams({ grant_type: 'client_credentials', scope: 'users:read' }).toString();
    const probe = await fetch(f.token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic }, body: cc });
    if (probe.status !== 200) throw new Error(`${kind} client_credentials answered ${probe.status}: ${await probe.text()}`);
    const info = await fetch(f.userinfo, { headers: { authorization: `Bearer ${f.accessToken}` } });
    if (info.status !== 200) throw new Error(`${kind} userinfo answered ${info.status}: ${await info.text()}`);
    // The bearer read goes first: oidc-provider's in-memory adapter is an LRU of bounded size, and
    // the thousands of tokens the grant rows store push the read's access token out of it (every
    // read after the refresh row answered 401).
    const userinfo = await load('bearer read (userinfo)', f.userinfo, { authorization: `Bearer ${f.accessToken}` });
    return {
      userinfo,
      cc: await load('client_credentials grant', f.token, { authorization: basic }, cc),
      refresh: await refreshLoad('refresh grant', f),
      discovery: await load('discovery document', f.discovery),
      jwks: await load('JWKS', f.jwks),
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main(): Promise<void> {
  const startLoad = loadavg();
  const gateway = await measure('gateway');
  const peer = await measure('peer');
  const { floor } = await measure('express');
  const endLoad = loadavg();
  const { version } = (await import('oidc-provider/package.json', { with: { type: 'json' } })).default as { version: string };
  console.log(`\nGateway vs oidc-provider ${version} vs bare Express 5: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  console.log(`${CONNECTIONS} connections (refresh: ${WORKERS} token chains), ${SECONDS} s per row, each server in its own process; load average ${startLoad.map((l) => l.toFixed(2)).join(' ')} before, ${endLoad.map((l) => l.toFixed(2)).join(' ')} after\n`);
  const n = (x: number) => x.toFixed(0).padStart(8);
  const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-').padStart(7);
  console.log(`${'row'.padEnd(28)} ${'gateway'.padStart(8)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'peer'.padStart(8)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'ratio'.padStart(6)} ${'errors'.padStart(7)}`);
  for (const key of ['cc', 'refresh', 'userinfo', 'discovery', 'jwks']) {
    const g = gateway[key]!;
    const p = peer[key]!;
    console.log(`${g.name.padEnd(28)} ${n(g.rps)} ${ms(g.p50)} ${ms(g.p99)} ${n(p.rps)} ${ms(p.p50)} ${ms(p.p99)} ${(g.rps / p.rps).toFixed(2).padStart(6)} ${`${g.non2xx}/${p.non2xx}`.padStart(7)}`);
  }
  console.log(`${floor!.name.padEnd(28)} ${n(floor!.rps)} ${ms(floor!.p50)} ${ms(floor!.p99)}`);
  console.log(`\nbearer read (userinfo) / bare Express: gateway ${(gateway.userinfo!.rps / floor!.rps).toFixed(2)}, oidc-provider ${(peer.userinfo!.rps / floor!.rps).toFixed(2)}`);
  console.log('differences: the gateway stores in its embedded MongoDB-compatible engine over the wire protocol (oidc-provider: its in-memory adapter, a Map);');
  console.log('  it also reads the client-authentication lockout, keeps refresh-token families and the session, and validates requests against the spec;');
  console.log('  userinfo: the gateway verifies its JWT access token and the session, oidc-provider looks up an opaque token.');
  if ([...Object.values(gateway), ...Object.values(peer)].some((r) => r.non2xx > 0)) process.exitCode = 1;
}

const serveAs = process.env.BENCH_PEER_SERVE;
if (serveAs === 'gateway' || serveAs === 'peer' || serveAs === 'express') {
  const fixture = serveAs === 'gateway' ? await serveGateway() : serveAs === 'peer' ? await servePeer() : await serveExpress();
  process.stdout.write(`${FIXTURE}${JSON.stringify(fixture)}\n`);
  process.on('SIGTERM', () => process.exit(0));
} else {
  await main();
}
