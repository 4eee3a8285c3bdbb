/**
 * Every request gets an id (a caller's well-formed X-Request-Id is kept, so a trace can cross
 * services) and a pino child logger that stamps it on every line; error replies carry it as
 * their error id.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdMiddleware(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.get('x-request-id');
    const requestId = given && ACCEPTABLE.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.locals.log = log.child({ requestId });
    res.setHeader('X-Request-Id', requestId);
    const started = Date.now();
    res.on('finish', () => {
      (res.locals.log as Logger).debug({ method: req.method, url: req.originalUrl.split('?')[0], status: res.statusCode, ms: Date.now() - started }, 'request');
    });
    next();
  };
}
