/**
 * Requests that Node's HTTP parser refuses before Express sees them (a request line or headers
 * past `maxHeaderSize`, a malformed request line, a header timeout). Node would answer a bare
 * status with no body; here they get an error in the shape of the API the request line names
 * (when enough of it arrived to tell), with a request id and an error id like every other error.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { GatewayError } from './errors.ts';
import { errorShapeForPath, type ShapeByPrefix } from './error-shape-by-path.ts';

const STATUS_BY_CODE: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADERS_TIMEOUT: 408,
};

/** The path of the request line in what the parser had read, if that far. */
function requestPath(raw: Buffer | undefined): string | undefined {
  if (!raw) return undefined;
  const head = raw.subarray(0, 4096).toString('latin1');
  return /^[A-Z]+ (\/[^ ?\r\n]*)/.exec(head)?.[1];
}

export function clientErrorHandler(shapes: readonly ShapeByPrefix[], log: Logger) {
  return (err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = STATUS_BY_CODE[err.code ?? ''] ?? 400;
    const id = randomUUID();
    const message = status === 431 ? 'The request line or headers are too large' : status === 408 ? 'The request took too long to arrive' : 'Malformed HTTP request';
    const reply = errorShapeForPath(requestPath(err.rawPacket), shapes)(new GatewayError('bad_request', message, { status }), id);
    const body = JSON.stringify(reply.body);
    log.info({ errorId: id, requestId: id, code: err.code, status }, `refused by the HTTP parser: ${message}`);
    socket.end(
      `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? 'Error'}\r\n` +
        `Content-Type: ${reply.contentType ?? 'application/json'}; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${id}\r\nX-Error-Id: ${id}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}
