// `npm run store`: the embedded MongoDB engine as its own process, for a gateway (or several)
// started with MONGODB_URI pointing at it, and for tests that stop, kill and restart the store
// while gateways serve. Environment: DATA_DIR (required: a store of its own process is only
// useful when it keeps its data), STORE_PORT (default 27017), STORE_HOST (default 127.0.0.1).
import { startEmbeddedMongo } from '../server/store/engine/server.ts';
import { DataDirLockedError } from '../server/store/engine/data-dir-lock.ts';

const dataDir = process.env.DATA_DIR;
if (!dataDir) {
  console.error('store: set DATA_DIR (the directory of its snapshot and journal)');
  process.exit(2);
}
const port = Number(process.env.STORE_PORT ?? 27017);
const host = process.env.STORE_HOST ?? '127.0.0.1';
const logger = { info: (m: string) => console.error(m), warn: (m: string) => console.error(m), error: (m: string) => console.error(m) };
const store = await startEmbeddedMongo({ dataDir, port, host, logger }).catch((err: Error & { code?: string }) => {
  console.error(`store: ${err instanceof DataDirLockedError ? err.message : err.code === 'EADDRINUSE' ? `cannot listen on ${host}:${port}: the address is already in use` : err.message}`);
  process.exit(1);
});
process.stdout.write(`store listening: ${store.uri}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    store.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
