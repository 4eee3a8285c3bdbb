// `npm run admin -- mint-key [name]`: mints a new platform admin API key (every scope, in the
// platform tenant) for an operator who has the store and its master key: the data directory
// (DATA_DIR, with its master.key or GATEWAY_MASTER_KEY) or MONGODB_URI with GATEWAY_MASTER_KEY.
// It is the way back when the one-time bootstrap key was lost. The master key must open the
// store's sealed secrets, so a key is never minted into a store of another deployment by
// mistake; the mint is recorded in the audit log. With the embedded store the gateway must be
// stopped first: one process holds a data directory at a time.
import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../server/config.ts';
import { connectStore } from '../server/store/connect.ts';
import { openStore } from '../server/store/collections.ts';
import { createIdentityCore, loadMasterKey } from '../server/identity/index.ts';
import { PLATFORM_TENANT } from '../server/http/principal.ts';
import { DataDirLockedError } from '../server/store/engine/data-dir-lock.ts';
import { ALL_SCOPES } from '../server/identity/api-keys.ts';

const USAGE = 'usage: npm run admin -- mint-key [name]   (with DATA_DIR, or MONGODB_URI and GATEWAY_MASTER_KEY)';

function fail(message: string): never {
  console.error(`admin: ${message}`);
  process.exit(1);
}

const [command, name = 'operator key (admin CLI)'] = process.argv.slice(2);
if (command !== 'mint-key') fail(USAGE);
const config = (() => {
  try {
    return loadConfig();
  } catch (e) {
    return fail(`configuration error: ${(e as Error).message}`);
  }
})();
if (!config.mongodbUri && !config.dataDir) fail('set DATA_DIR (the embedded store) or MONGODB_URI: an in-memory store has nothing to mint into');
if (!config.masterKey && !(config.dataDir && existsSync(join(config.dataDir, 'master.key')))) {
  fail('no master key: set GATEWAY_MASTER_KEY (or keep master.key in DATA_DIR)');
}

const log = pino({ level: 'silent' });
const connection = await connectStore({ mongodbUri: config.mongodbUri, dbName: config.mongodbDb, dataDir: config.dataDir }).catch((err: unknown) =>
  fail(err instanceof DataDirLockedError ? `${err.message} (stop the gateway to mint a key)` : `cannot reach the store: ${(err as Error).message.split('\n')[0]}`),
);
try {
  const masterKey = await loadMasterKey({ value: config.masterKey, dataDir: config.dataDir });
  const identity = createIdentityCore({ store: openStore(connection.db), core: () => fail('no crypto core needed'), masterKey: masterKey.key, publicUrl: config.publicUrl, logger: log });
  let sealedSecretOpens: boolean;
  try {
    sealedSecretOpens = (await identity.bootstrap.directoryClientCredentials()) !== null;
  } catch {
    fail('the master key does not open this store\'s sealed secrets: wrong GATEWAY_MASTER_KEY for this store');
  }
  if (!sealedSecretOpens) fail('this store was never bootstrapped: start the gateway once, it prints its own admin key');
  const { key, value } = await identity.apiKeys.create({ tenantId: PLATFORM_TENANT, name, scopes: [ALL_SCOPES] });
  const operator = `${userInfo().username}@${hostname()}`;
  await identity.audit.record({
    tenantId: PLATFORM_TENANT,
    actor: { type: 'system', id: `admin-cli:${operator}` },
    action: 'api_key.mint_platform_admin',
    outcome: 'success',
    target: key._id,
    details: { name },
  });
  process.stdout.write(`New platform admin API key ${key._id} (shown once, store it now): ${value}\n`);
} finally {
  await connection.close();
}
