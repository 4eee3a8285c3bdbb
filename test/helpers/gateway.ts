/**
 * The test harness every API test uses: a real gateway on a free loopback port with a fresh
 * database (its own embedded engine, or a database of its own on MONGODB_URI), response
 * validation on, the generated clients pointed at it, and helpers for tenants, users and keys.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { pino, type Logger } from 'pino';
import { loadConfig, type GatewayConfig } from '../../server/config.ts';
import { startGateway, type RunningGateway } from '../../server/app.ts';
import type { Clock } from '../../server/identity/index.ts';
import { createDirectorySessionClient } from '../../clients/directory-session.ts';
import { createVaultClient } from '../../clients/secrets-vault.ts';
import { createPasskeysClient } from '../../clients/passkeys.ts';
import { createTokenExchangeClient } from '../../clients/token-exchange.ts';
import { createGatewayClient } from '../../clients/gateway.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestGateway extends RunningGateway {
  config: GatewayConfig;
  adminKey: string;
  clients: {
    admin: {
      vault: ReturnType<typeof createVaultClient>;
      gateway: ReturnType<typeof createGatewayClient>;
      passkeys: ReturnType<typeof createPasskeysClient>;
    };
    anonymous: {
      vault: ReturnType<typeof createVaultClient>;
      directory: ReturnType<typeof createDirectorySessionClient>;
      passkeys: ReturnType<typeof createPasskeysClient>;
      tokenExchange: ReturnType<typeof createTokenExchangeClient>;
      gateway: ReturnType<typeof createGatewayClient>;
    };
  };
  /** a tenant of its own, through the identity core */
  createTenant(name?: string): Promise<string>;
  createUser(tenantId: string, username?: string): Promise<{ id: string; username: string }>;
  createApiKey(tenantId: string, scopes: string[], ownerId?: string | null): Promise<{ id: string; value: string }>;
}

export async function startTestGateway(env: Record<string, string> = {}, options: { log?: Logger; clock?: Clock; monitorCommands?: boolean } = {}): Promise<TestGateway> {
  const port = await freePort();
  const adminKey = env.GATEWAY_BOOTSTRAP_KEY ?? `test-admin-${randomBytes(18).toString('hex')}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    VALIDATE_RESPONSES: '1',
    GATEWAY_BOOTSTRAP_KEY: adminKey,
    GATEWAY_MASTER_KEY: randomBytes(32).toString('base64'),
    SHUTDOWN_GRACE_MS: '2000',
    ...(process.env.MONGODB_URI ? { MONGODB_URI: process.env.MONGODB_URI, MONGODB_DB: `gw_test_${randomUUID().slice(0, 8)}` } : {}),
    // `STORE_THREAD=inline npx ava` runs the suite with the embedded engine on the gateway's thread
    ...(process.env.STORE_THREAD ? { STORE_THREAD: process.env.STORE_THREAD } : {}),
    ...env,
  });
  const log = options.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const gw = await startGateway(config, { log, ...(options.clock ? { clock: options.clock } : {}), ...(options.monitorCommands ? { monitorCommands: true } : {}) });
  const baseUrl = gw.url;
  const identity = gw.services.identity;
  return {
    ...gw,
    config,
    adminKey,
    clients: {
      admin: {
        vault: createVaultClient({ baseUrl, auth: { APIKeyHeader: adminKey } }),
        gateway: createGatewayClient({ baseUrl, auth: { AdminApiKey: adminKey } }),
        passkeys: createPasskeysClient({ baseUrl, auth: { apiKey_header_Authorization: adminKey } }),
      },
      anonymous: {
        vault: createVaultClient({ baseUrl }),
        directory: createDirectorySessionClient({ baseUrl }),
        passkeys: createPasskeysClient({ baseUrl }),
        tokenExchange: createTokenExchangeClient({ baseUrl }),
        gateway: createGatewayClient({ baseUrl }),
      },
    },
    async createTenant(name = `tenant-${randomUUID().slice(0, 8)}`) {
      const tenant = await identity.tenants.create({ id: name, name });
      return tenant._id;
    },
    async createUser(tenantId, username = `user-${randomUUID().slice(0, 8)}`) {
      const user = await identity.users.create(tenantId, { username, email: `${username}@example.test` });
      return { id: user._id, username: user.username };
    },
    async createApiKey(tenantId, scopes, ownerId = null) {
      const { key, value } = await identity.apiKeys.create({ tenantId, scopes, ownerId, name: 'test key' });
      return { id: key._id, value };
    },
  };
}
