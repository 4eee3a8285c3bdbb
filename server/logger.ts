/**
 * pino, one JSON line per event, on stderr (stdout carries only what a person must read once, such
 * as a generated key); request lines carry the request id (http/request-id.ts).
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export function createLogger(level: string, destination: DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: { service: 'identity-gateway' },
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-infinite-bearer"]', 'req.headers.cookie'], censor: '[redacted]' },
    },
    destination,
  );
}
