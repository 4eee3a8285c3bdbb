/**
 * Assembles the gateway: store, crypto core, identity core, bootstrap, the five API routers, and
 * the operations endpoints. `startGateway` is what `make run` and the test harness both call, so
 * the tests exercise exactly what operators run.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { createServer, type Server } from 'node:http';
import { setMaxListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { connectStore, type StoreConnection } from './store/connect.ts';
import { openStore, ensureIndexes } from './store/collections.ts';
import { createMetrics } from './ops/metrics.ts';
import { docsRouter } from './ops/docs.ts';
import { healthRouter } from './ops/health.ts';
import { requestIdMiddleware } from './http/request-id.ts';
import { mountApi } from './http/mount-api.ts';
import { startCrypto } from './crypto.ts';
import { createIdentityCore, loadMasterKey } from './identity/index.ts';
import { loadApiDocs, apiDefinitions } from './apis/index.ts';
import type { GatewayServices } from './services.ts';
import { staticPagesRouter } from './ops/static-pages.ts';
import { loginPageRouter } from './ops/login-page.ts';

export interface RunningGateway {
  url: string;
  port: number;
  services: GatewayServices;
  server: Server;
  /** the database connection (and the embedded engine's controls, when embedded) */
  storeConnection: StoreConnection;
  /** the bootstrap admin key, when this start generated it (printed once) */
  generatedAdminKey?: string;
  stop(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, options: { log?: Logger } = {}): Promise<RunningGateway> {
  const log = options.log ?? createLogger(config.logLevel);
  const shutdown = new AbortController();
  // every in-flight request listens for shutdown (long polls end on it)
  setMaxListeners(0, shutdown.signal);
  const metrics = createMetrics();
  const storeConn = await connectStore({ mongodbUri: config.mongodbUri, dbName: config.mongodbDb, dataDir: config.dataDir, logger: log });
  const store = openStore(storeConn.db);
  await ensureIndexes(store);
  metrics.setDatabaseUp(true);

  const crypto = await startCrypto({ config, store, log, metrics });
  const masterKey = await loadMasterKey({ value: config.masterKey, dataDir: config.dataDir, logger: log });
  const identity = createIdentityCore({
    store,
    core: () => crypto.current(),
    masterKey: masterKey.key,
    publicUrl: config.publicUrl,
    logger: log,
    smtpUrl: config.smtpUrl,
  });
  const boot = await identity.bootstrap.run({ bootstrapKey: config.bootstrapKey });
  const services: GatewayServices = { config, log, store, identity, crypto, metrics, shutdownSignal: shutdown.signal, db: storeConn.db };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: { directives: { 'script-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'form-action': null } },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(requestIdMiddleware(log));
  app.use(healthRouter(services));
  app.use('/docs', docsRouter(loadApiDocs()));
  app.use(staticPagesRouter());
  app.use(loginPageRouter(services));
  for (const def of apiDefinitions()) {
    app.use(
      def.serverUrl === '/' ? '/' : def.serverUrl,
      mountApi(def, {
        services,
        log,
        validateResponses: config.validateResponses,
        bodyLimitBytes: config.bodyLimitBytes,
        binaryLimitBytes: config.coreUploadLimitBytes,
        secureCookies: config.publicUrl.startsWith('https:'),
        shutdownSignal: shutdown.signal,
        onRequestDone: metrics.observeRequest,
      }),
    );
  }
  // Outside every API prefix: a plain JSON 404, and never Express's HTML error page.
  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', message: `No route for ${req.method} ${req.path}`, requestId: res.locals.requestId });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status;
    const clientError = typeof status === 'number' && status >= 400 && status < 500;
    if (!clientError) (res.locals.log as Logger | undefined ?? log).error({ err, errorId: res.locals.requestId }, 'unhandled error');
    if (res.headersSent) return void res.destroy();
    res.status(clientError ? status : 500).json({ error: clientError ? 'bad_request' : 'internal_error', requestId: res.locals.requestId });
  });

  const server = createServer(app);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
  log.info({ url, publicUrl: config.publicUrl, docs: `${config.publicUrl}/docs`, store: storeConn.embedded ? 'embedded' : 'mongodb' }, 'gateway listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('shutting down: no new connections, finishing in-flight requests');
      server.close();
      server.closeIdleConnections();
      shutdown.abort();
      const deadline = Date.now() + config.shutdownGraceMs;
      while (Date.now() < deadline && (await connectionCount(server)) > 0) {
        server.closeIdleConnections();
        await new Promise((r) => setTimeout(r, 25));
      }
      server.closeAllConnections();
      crypto.stop();
      await storeConn.close();
      log.info('stopped');
    })());

  return { url, port, services, server, storeConnection: storeConn, generatedAdminKey: boot.adminKey, stop };
}

function connectionCount(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((err, n) => resolve(err ? 0 : n)));
}
