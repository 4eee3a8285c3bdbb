/**
 * `mint-key [name]`: mints a new platform admin API key (every scope, in the platform tenant) for
 * an operator who has the store and its master key: the data directory (DATA_DIR, with its
 * master.key or GATEWAY_MASTER_KEY) or MONGODB_URI with GATEWAY_MASTER_KEY. It is the way back
 * when the one-time bootstrap key was lost, so it works offline, on the store itself. The master
 * key must open the store's sealed secrets, so a key is never minted into a store of another
 * deployment by mistake; the mint is recorded in the audit log. With the embedded store the
 * gateway must be stopped first: one process holds a data directory at a time. The server's
 * modules are loaded only here, so the other commands start fast.
 */
import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { CommandError, type Command } from '../cli.ts';

async function mint(name: string): Promise<{ keyId: string; value: string }> {
  const [{ pino }, { loadConfig }, { connectStore }, { openStore }, { createIdentityCore, loadMasterKey }, { PLATFORM_TENANT }, { DataDirLockedError }, { ALL_SCOPES }] = await Promise.all([
    import('pino'),
    import('../../../server/config.ts'),
    import('../../../server/store/connect.ts'),
    import('../../../server/store/collections.ts'),
    import('../../../server/identity/index.ts'),
    import('../../../server/http/principal.ts'),
    import('../../../server/store/engine/data-dir-lock.ts'),
    import('../../../server/identity/api-keys.ts'),
  ]);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (e) {
    throw new CommandError(`configuration error: ${(e as Error).message}`);
  }
  if (!config.mongodbUri && !config.dataDir) throw new CommandError('set DATA_DIR (the embedded store) or MONGODB_URI: an in-memory store has nothing to mint into');
  if (!config.masterKey && !(config.dataDir && existsSync(join(config.dataDir, 'master.key')))) {
    throw new CommandError('no master key: set GATEWAY_MASTER_KEY (or keep master.key in DATA_DIR)');
  }
  const connection = await connectStore({ mongodbUri: config.mongodbUri, dbName: config.mongodbDb, dataDir: config.dataDir }).catch((err: unknown) => {
    throw new CommandError(err instanceof DataDirLockedError ? `${err.message} (stop the gateway to mint a key)` : `cannot reach the store: ${(err as Error).message.split('\n')[0]}`);
  });
  try {
    const masterKey = await loadMasterKey({ value: config.masterKey, dataDir: config.dataDir });
    const core = () => {
      throw new CommandError('no crypto core needed');
    };
    const identity = createIdentityCore({ store: openStore(connection.db), core, masterKey: masterKey.key, publicUrl: config.publicUrl, logger: pino({ level: 'silent' }) });
    let sealedSecretOpens: boolean;
    try {
      sealedSecretOpens = (await identity.bootstrap.directoryClientCredentials()) !== null;
    } catch {
      throw new CommandError("the master key does not open this store's sealed secrets: wrong GATEWAY_MASTER_KEY for this store");
    }
    if (!sealedSecretOpens) throw new CommandError('this store was never bootstrapped: start the gateway once, it prints its own admin key');
    const { key, value } = await identity.apiKeys.create({ tenantId: PLATFORM_TENANT, name, scopes: [ALL_SCOPES] });
    await identity.audit.record({
      tenantId: PLATFORM_TENANT,
      actor: { type: 'system', id: `admin-cli:${userInfo().username}@${hostname()}` },
      action: 'api_key.mint_platform_admin',
      outcome: 'success',
      target: key._id,
      details: { name },
    });
    return { keyId: key._id, value };
  } finally {
    await connection.close();
  }
}

export const mintKeyCommand: Command = {
  name: 'mint-key',
  summary: 'mint a new platform admin key on the store itself, gateway stopped (offline)',
  args: ['[name]'],
  offline: true,
  details: [
    'Works on the store, not through a gateway: set DATA_DIR (the embedded store, with its master.key',
    'or GATEWAY_MASTER_KEY), or MONGODB_URI and GATEWAY_MASTER_KEY. Stop a gateway that holds DATA_DIR first.',
  ],
  async run(inv) {
    const name = inv.args[0] ?? 'operator key (admin CLI)';
    const { keyId, value } = await mint(name);
    return { json: { key_id: keyId, name, api_key: value }, text: `New platform admin API key ${keyId} (shown once, store it now): ${value}` };
  },
};
