/**
 * What the gateway answers between binding its port and having a store: alive (`/healthz`), not
 * ready (`/readyz` 503), metrics, and for everything else a quick 503 with `Retry-After` in the
 * shape of the API whose prefix the path names, so that clients see an outage they can retry and
 * never a hang.
 */
import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { GatewayError } from './errors.ts';
import { errorShapeForPath, type ShapeByPrefix } from './error-shape-by-path.ts';
import type { GatewayMetrics } from '../ops/metrics.ts';

const RETRY_AFTER_SECONDS = '2';

export function startingHandler(shapes: readonly ShapeByPrefix[], metrics: GatewayMetrics): RequestListener {
  metrics.setDatabaseUp(false);
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const id = randomUUID();
    res.setHeader('X-Request-Id', id);
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
      return;
    }
    if (path === '/readyz') {
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': RETRY_AFTER_SECONDS });
      res.end(JSON.stringify({ status: 'starting', database: 'down' }));
      return;
    }
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    const reply = errorShapeForPath(path, shapes)(new GatewayError('unavailable', 'The gateway is starting: its store does not answer yet; retry later'), id);
    res.writeHead(reply.status, { 'Content-Type': reply.contentType ?? 'application/json', 'Retry-After': RETRY_AFTER_SECONDS, 'X-Error-Id': id });
    res.end(JSON.stringify(reply.body));
    // a request body still arriving is not read; the connection closes after the reply
    req.resume();
  };
}
