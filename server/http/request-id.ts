/**
 * Every request gets an id (a caller's well-formed X-Request-Id is kept, so a trace can cross
 * services) and a pino child logger that stamps it on every line; error replies carry it as
 * their error id.
 *
 * One access line per request when the reply is sent (`msg: "request"`): method, route template
 * (the spec's path for an API operation, so that lines group by operation and carry no ids),
 * status, duration in ms, the request id and the tenant (the path's or the caller's). A request
 * outside every operation logs its path without the query instead of a template. Probes
 * (`/healthz`, `/readyz`, `/metrics`) log at debug so that they do not drown the rest.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,128}$/;
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** What an API router learned about a request, for its access line (set in mount-api.ts). */
export interface AccessFields {
  /** the route template, e.g. `/api/users/{tenant_id}/{user_id}` */
  route?: string;
  api?: string;
  operationId?: string;
  tenant?: string;
}

export function requestIdMiddleware(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.get('x-request-id');
    const requestId = given && ACCEPTABLE.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    // The child logger is made when something logs through it (an error, a handler's warning),
    // not for every request: the access line below stamps the id itself.
    let child: Logger | undefined;
    Object.defineProperty(res.locals, 'log', { configurable: true, enumerable: true, get: () => (child ??= log.child({ requestId })) });
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const access = (res.locals.access ?? {}) as AccessFields;
      const path = req.originalUrl.split('?')[0] ?? '';
      const line = {
        method: req.method,
        ...(access.route !== undefined ? { route: access.route } : { path }),
        status: res.statusCode,
        ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        tenant: access.tenant ?? null,
        ...(access.api !== undefined ? { api: access.api, operationId: access.operationId } : {}),
      };
      const target = child ?? log;
      const fields = child ? line : { requestId, ...line };
      if (PROBES.has(path)) target.debug(fields, 'request');
      else target.info(fields, 'request');
    });
    next();
  };
}
