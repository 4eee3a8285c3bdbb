/** pino, one JSON line per event; request lines carry the request id (see app.ts). */
import { pino, type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'identity-gateway' },
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-infinite-bearer"]', 'req.headers.cookie'], censor: '[redacted]' },
  });
}
