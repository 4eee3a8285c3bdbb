/**
 * Assembles the gateway: store, crypto core, identity core, bootstrap, the five API routers, and
 * the operations endpoints. `startGateway` is what `make run` and the test harness both call, so
 * the tests exercise exactly what operators run.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { createServer, type RequestListener, type Server } from 'node:http';
import { setMaxListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.ts';
import { createLogger } from './logger.ts';
import type { StoreConnection } from './store/connect.ts';
import { connectStoreWithRetry } from './store/connect-with-retry.ts';
import { openStore, ensureIndexes } from './store/collections.ts';
import { createMetrics } from './ops/metrics.ts';
import { docsRouter } from './ops/docs.ts';
import { healthRouter } from './ops/health.ts';
import { requestIdMiddleware } from './http/request-id.ts';
import { mountApi, type ApiDefinition } from './http/mount-api.ts';
import { clientErrorHandler } from './http/client-error.ts';
import { startingHandler } from './http/starting.ts';
import { errorShapesByPrefix, plainError } from './http/error-shape-by-path.ts';
import { InFlightLimit } from './http/in-flight.ts';
import { GatewayError } from './http/errors.ts';
import { passkeysCors } from './apis/passkeys/cors.ts';
import { startCrypto } from './crypto.ts';
import { createIdentityCore, loadMasterKey, type Clock } from './identity/index.ts';
import { loadApiDocs, apiDefinitions } from './apis/index.ts';
import type { GatewayServices } from './services.ts';
import { staticPagesRouter } from './ops/static-pages.ts';
import { loginPageRouter } from './ops/login-page.ts';
import { demoPageRouter } from './ops/demo-page.ts';
import { accountPagesRouter } from './ops/account-pages.ts';

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

export interface StartOptions {
  log?: Logger;
  /** called once the port is bound, before the store is reached (the gateway is alive, not ready) */
  onListening?: (url: string) => void;
  /** abandons a start that is still waiting for the store */
  signal?: AbortSignal;
  /** the identity core's clock (tests move it) */
  clock?: Clock;
  /** driver command monitoring on the store client (the command-count bench and tests count round trips) */
  monitorCommands?: boolean;
}

/** The port could not be bound; nothing was created in the store. */
export class ListenError extends Error {
  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    const why = cause.code === 'EADDRINUSE' ? 'the address is already in use (another gateway? choose another PORT)' : cause.code === 'EACCES' ? 'permission denied' : cause.message;
    super(`cannot listen on ${host}:${port}: ${why}`);
    this.name = 'ListenError';
  }
}

/**
 * Start-up order: bind the port first, then reach the store, then bootstrap. A busy port so fails
 * before anything that is shown only once (the bootstrap admin key) exists, and a store that does
 * not answer leaves a live, not-ready instance (503 in each API's shape) that keeps retrying.
 */
export async function startGateway(config: GatewayConfig, options: StartOptions = {}): Promise<RunningGateway> {
  const log = options.log ?? createLogger(config.logLevel);
  const shutdown = new AbortController();
  // every in-flight request listens for shutdown (long polls end on it)
  setMaxListeners(0, shutdown.signal);
  const metrics = createMetrics();
  const definitions = apiDefinitions();
  const shapes = errorShapesByPrefix(definitions);

  let serve: RequestListener = startingHandler(shapes, metrics);
  const server = createServer((req, res) => serve(req, res));
  server.keepAliveTimeout = 5_000;
  server.on('clientError', clientErrorHandler(shapes, log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new ListenError(config.host, config.port, err)));
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
  options.onListening?.(url);

  let storeConn: StoreConnection | undefined;
  let crypto: Awaited<ReturnType<typeof startCrypto>> | undefined;
  try {
    storeConn = await connectStoreWithRetry(
      { mongodbUri: config.mongodbUri, dbName: config.mongodbDb, dataDir: config.dataDir, engineThread: config.storeThread, logger: log, ...(options.monitorCommands ? { clientOptions: { monitorCommands: true } } : {}) },
      log,
      options.signal,
      (connection) => ensureIndexes(openStore(connection.db)),
    );
    const store = openStore(storeConn.db);
    metrics.setDatabaseUp(true);

    crypto = await startCrypto({ config, store, log, metrics });
    const masterKey = await loadMasterKey({ value: config.masterKey, dataDir: config.dataDir, logger: log });
    const identity = createIdentityCore({
      store,
      core: () => (crypto as NonNullable<typeof crypto>).current(),
      masterKey: masterKey.key,
      publicUrl: config.publicUrl,
      logger: log,
      smtpUrl: config.smtpUrl,
      signalPollMs: config.signalPollMs,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const boot = await identity.bootstrap.run({ bootstrapKey: config.bootstrapKey });
    const services: GatewayServices = { config, log, store, identity, crypto, metrics, shutdownSignal: shutdown.signal, db: storeConn.db };
    serve = gatewayApp(services, definitions);
    log.info({ url, publicUrl: config.publicUrl, docs: `${config.publicUrl}/docs`, store: storeConn.embedded ? 'embedded' : 'mongodb' }, 'gateway listening');

    const ready = { storeConnection: storeConn, crypto };
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
        identity.signals.stop();
        ready.crypto.stop();
        await ready.storeConnection.close();
        log.info('stopped');
      })());
    return { url, port, services, server, storeConnection: storeConn, generatedAdminKey: boot.adminKey, stop };
  } catch (err) {
    server.close();
    server.closeAllConnections();
    crypto?.stop();
    await storeConn?.close().catch(() => undefined);
    throw err;
  }
}

/** The full application, once the store answers and the identity core is up. */
function gatewayApp(services: GatewayServices, definitions: ApiDefinition<GatewayServices>[]): express.Express {
  const { config, log, metrics } = services;
  const inFlight = new InFlightLimit(config.maxInFlight);
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
  app.use(accountPagesRouter(services));
  app.use(demoPageRouter(config.publicUrl));
  app.use('/fido2/v2', passkeysCors(services));
  for (const def of definitions) {
    app.use(
      def.serverUrl === '/' ? '/' : def.serverUrl,
      mountApi(def, {
        services,
        log,
        validateResponses: config.validateResponses,
        bodyLimitBytes: config.bodyLimitBytes,
        binaryLimitBytes: config.coreUploadLimitBytes,
        secureCookies: config.publicUrl.startsWith('https:'),
        shutdownSignal: services.shutdownSignal,
        inFlight,
        onRequestDone: metrics.observeRequest,
      }),
    );
  }
  // Outside every API prefix: a plain JSON 404, and never Express's HTML error page.
  app.use((req: Request, res: Response) => {
    res.status(404).json(plainError(new GatewayError('not_found', `No route for ${req.method} ${req.path}`), res.locals.requestId).body);
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status;
    const clientError = typeof status === 'number' && status >= 400 && status < 500;
    if (!clientError) (res.locals.log as Logger | undefined ?? log).error({ err, errorId: res.locals.requestId }, 'unhandled error');
    if (res.headersSent) return void res.destroy();
    const reply = plainError(clientError ? new GatewayError('bad_request', 'Bad request', { status }) : new GatewayError('internal', 'Internal error'), res.locals.requestId);
    res.status(reply.status).setHeader('X-Error-Id', res.locals.requestId).json(reply.body);
  });

  return app;
}

function connectionCount(server: Server): Promise<number> {
  return new Promise((resolve) => server.getConnections((err, n) => resolve(err ? 0 : n)));
}
