/**
 * Everything that can go wrong under a route becomes a GatewayError here: the identity core's
 * errors (core-errors.ts), validator errors, body parser errors, database outages, and anything unexpected (which becomes an opaque 500; its
 * message and stack go only to the log).
 */
import { IdentityError } from '../identity/errors.ts';
import { fromIdentityError } from './core-errors.ts';
import { GatewayError, type ValidationIssue } from './errors.ts';

interface ValidatorItem {
  path?: string;
  message?: string;
  errorCode?: string;
}

const DB_UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'PoolClearedError',
  'PoolClearedOnNetworkError',
  'PoolClosedError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
]);

/** zlib's errors carry a numeric errno and a code: `Z_DATA_ERROR`, `Z_BUF_ERROR`, brotli's `ERR__ERROR_FORMAT_…`. */
function isDecompressionError(err: unknown): boolean {
  const { code, errno } = (err ?? {}) as { code?: unknown; errno?: unknown };
  return typeof errno === 'number' && typeof code === 'string' && /^(Z_|ERR__|ERR_BROTLI)/.test(code);
}

/**
 * A socket that broke under a write or a read (the driver sometimes lets the bare system error of
 * a server that has just gone away through, unwrapped): every other connection a handler makes
 * (upstream providers, JWKS, mail) wraps its errors, so under a route this is the store's.
 */
const BROKEN_SOCKET = new Set(['EPIPE', 'ECONNRESET']);

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { name?: string; code?: unknown; syscall?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.name && DB_UNAVAILABLE.has(e.name)) return true;
    if (typeof e.code === 'string' && BROKEN_SOCKET.has(e.code) && typeof e.syscall === 'string') return true;
  }
  return false;
}

/** '/body/user/name' or '.body.user.name' or '.query.limit' → location + path. */
function issueFrom(item: ValidatorItem): ValidationIssue {
  const raw = (item.path ?? '').replace(/^[./]/, '');
  const parts = raw.split(/[./]/).filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
  const head = parts.shift();
  const location = (['body', 'query', 'path', 'headers', 'cookies', 'params'].includes(String(head)) ? String(head) : 'body')
    .replace('headers', 'header')
    .replace('cookies', 'cookie')
    .replace('params', 'path') as ValidationIssue['location'];
  if (head !== undefined && location === 'body' && head !== 'body') parts.unshift(head);
  const code = item.errorCode ?? 'invalid';
  return { location, path: parts, message: item.message ?? 'is invalid', type: code.replace(/\.openapi\.validation$/, '') };
}

export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof IdentityError) return fromIdentityError(err);
  const e = err as { status?: number; statusCode?: number; type?: string; errors?: ValidatorItem[]; name?: string; message?: string };
  if (isDatabaseUnavailable(err)) return new GatewayError('unavailable', 'The database is unavailable; retry later', { cause: err, headers: { 'Retry-After': '2' } });
  // body-parser (raw-body) errors carry a `type`
  switch (e?.type) {
    case 'entity.too.large':
      return new GatewayError('payload_too_large', 'Request body is too large', { cause: err });
    case 'entity.parse.failed':
      return new GatewayError('validation', 'Malformed request body', {
        cause: err,
        issues: [{ location: 'body', path: [], message: 'Malformed JSON body', type: 'json_invalid' }],
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new GatewayError('unsupported_media_type', 'Unsupported body encoding or charset', { cause: err });
    case 'parameters.too.many':
      return new GatewayError('payload_too_large', 'Too many form parameters', { cause: err });
    case 'request.aborted':
      return new GatewayError('bad_request', 'Request aborted', { cause: err });
  }
  // zlib refused a body sent with Content-Encoding gzip/deflate/br (RFC 9110 §8.4: the body is
  // not what its encoding says, a client error).
  if (isDecompressionError(err)) {
    return new GatewayError('bad_request', 'The request body does not decode with its Content-Encoding', { cause: err });
  }
  // The router could not percent-decode a path parameter (RFC 3986 §2.1: `%` must be followed by
  // two hex digits, and the octets must be UTF-8).
  if (err instanceof URIError) return new GatewayError('bad_request', 'Malformed percent-encoding in the request path', { cause: err });
  if (Array.isArray(e?.errors) && typeof e.status === 'number') {
    // express-openapi-validator
    if (e.status === 400) return new GatewayError('validation', 'Request validation failed', { cause: err, issues: e.errors.map(issueFrom) });
    if (e.status === 415) return new GatewayError('unsupported_media_type', 'Unsupported media type', { cause: err });
    if (e.status === 405) return new GatewayError('method_not_allowed', 'Method not allowed', { cause: err });
    if (e.status === 404) return new GatewayError('not_found', 'Not found', { cause: err });
    if (e.status === 413) return new GatewayError('payload_too_large', 'Request body is too large', { cause: err });
    if (e.status === 401 || e.status === 403) return new GatewayError(e.status === 401 ? 'unauthorized' : 'forbidden', 'Not authenticated', { cause: err });
  }
  return new GatewayError('internal', 'Internal error', { cause: err });
}
