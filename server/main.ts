/**
 * `make run`: start the gateway from the environment, print where everything is (and the
 * bootstrap admin key when this start generated it), and shut down gracefully on SIGTERM/SIGINT.
 */
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { ListenError, startGateway, type RunningGateway } from './app.ts';
import { DataDirLockedError } from './store/engine/data-dir-lock.ts';

const config = (() => {
  try {
    return loadConfig();
  } catch (e) {
    console.error(`configuration error: ${(e as Error).message}`);
    process.exit(2);
  }
})();
const log = createLogger(config.logLevel);
// SIGTERM/SIGINT while the store is still awaited abandons the start; afterwards, a graceful stop.
const starting = new AbortController();
let gateway: RunningGateway | undefined;
let signalled = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (signalled) process.exit(1);
    signalled = true;
    if (!gateway) return starting.abort(new Error(`${signal} before the gateway was ready`));
    gateway.stop().then(
      () => process.exit(0),
      (e) => {
        log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

try {
  gateway = await startGateway(config, {
    log,
    signal: starting.signal,
    onListening: (url) => log.info({ url }, 'listening; connecting to the store'),
  });
} catch (err) {
  if (starting.signal.aborted) process.exit(0);
  // Expected refusals get one line and no stack: a busy port, a data directory another process
  // holds. Anything else is unexpected and keeps its stack in the log.
  if (err instanceof ListenError || err instanceof DataDirLockedError) {
    console.error(`gateway: ${err.message}`);
  } else {
    log.fatal({ err }, 'the gateway could not start');
  }
  process.exit(1);
}

const lines = [
  '',
  `  Identity gateway listening on ${gateway.url} (public URL ${config.publicUrl})`,
  `  Docs:              ${config.publicUrl}/docs`,
  `  Demo application:  ${config.publicUrl}/demo/          (sign in with the seeded demo client, see your ID token)`,
  `  Secrets Vault:     ${config.publicUrl}/api          (OpenID issuer ${config.publicUrl}/api/oidc/default)`,
  `  Passkeys:          ${config.publicUrl}/fido2/v2`,
  `  Directory session: ${config.publicUrl}/directory/api/directorysession`,
  `  Token exchange:    ${config.publicUrl}/authorization/v1, ${config.publicUrl}/api-key-internal/v1`,
  `  Operator API:      ${config.publicUrl}/gateway/v1`,
  `  Health:            ${config.publicUrl}/healthz  ${config.publicUrl}/readyz  ${config.publicUrl}/metrics`,
  `  Store:             ${config.mongodbUri ? 'MongoDB (MONGODB_URI)' : `embedded engine on ${config.storeThread === 'worker' ? 'a worker thread' : "the gateway's thread"}${config.dataDir ? `, data in ${config.dataDir}` : ', in memory'}`}`,
];
if (gateway.generatedAdminKey) {
  lines.push('', `  Bootstrap admin API key (shown once, store it now): ${gateway.generatedAdminKey}`);
}
process.stdout.write(`${lines.join('\n')}\n\n`);
