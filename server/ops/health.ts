/**
 * /healthz: the process is up (no I/O, for liveness probes). /readyz: the database answers a ping
 * within a second (for readiness; 503 otherwise). /metrics: Prometheus text.
 */
import express, { type Router } from 'express';
import type { GatewayServices } from '../services.ts';

const READY_TIMEOUT_MS = 1000;

export function healthRouter(services: GatewayServices): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ok = await pingDatabase(services);
    services.metrics.setDatabaseUp(ok);
    const core = services.crypto.status();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable', database: ok ? 'up' : 'down', cryptoCore: core.active.name });
  });
  router.get('/metrics', async (_req, res) => {
    services.metrics.setDatabaseUp(await pingDatabase(services));
    res.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
  });
  return router;
}

async function pingDatabase(services: GatewayServices): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timed out')), READY_TIMEOUT_MS);
    });
    await Promise.race([services.db.command({ ping: 1 }), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
