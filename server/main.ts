/**
 * `make run`: start the gateway from the environment, print where everything is (and the
 * bootstrap admin key when this start generated it), and shut down gracefully on SIGTERM/SIGINT.
 */
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startGateway } from './app.ts';

const config = (() => {
  try {
    return loadConfig();
  } catch (e) {
    console.error(`configuration error: ${(e as Error).message}`);
    process.exit(2);
  }
})();
const log = createLogger(config.logLevel);
const gateway = await startGateway(config, { log });

const lines = [
  '',
  `  Identity gateway listening on ${gateway.url} (public URL ${config.publicUrl})`,
  `  Docs:              ${config.publicUrl}/docs`,
  `  Secrets Vault:     ${config.publicUrl}/api          (OpenID issuer ${config.publicUrl}/api/oidc/default)`,
  `  Passkeys:          ${config.publicUrl}/fido2/v2`,
  `  Directory session: ${config.publicUrl}/directory/api/directorysession`,
  `  Token exchange:    ${config.publicUrl}/authorization/v1, ${config.publicUrl}/api-key-internal/v1`,
  `  Operator API:      ${config.publicUrl}/gateway/v1`,
  `  Health:            ${config.publicUrl}/healthz  ${config.publicUrl}/readyz  ${config.publicUrl}/metrics`,
  `  Store:             ${config.mongodbUri ? 'MongoDB (MONGODB_URI)' : `embedded engine${config.dataDir ? `, data in ${config.dataDir}` : ', in memory'}`}`,
];
if (gateway.generatedAdminKey) {
  lines.push('', `  Bootstrap admin API key (shown once, store it now): ${gateway.generatedAdminKey}`);
}
process.stdout.write(`${lines.join('\n')}\n\n`);

let signalled = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (signalled) process.exit(1);
    signalled = true;
    gateway.stop().then(
      () => process.exit(0),
      (e) => {
        log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
