/**
 * One error type for every refusal the gateway makes. Domain code throws a GatewayError with a
 * kind (and, where an API names its errors, that API's code); each API's error shape is applied
 * at the edge (error-shapes.ts), so no handler formats errors by hand.
 */
export type ErrorKind =
  | 'bad_request'
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'gone'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'timeout'
  | 'locked'
  | 'rate_limited'
  | 'internal'
  | 'not_implemented'
  | 'unavailable';

export const DEFAULT_STATUS: Record<ErrorKind, number> = {
  bad_request: 400,
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  timeout: 408,
  locked: 423,
  rate_limited: 429,
  internal: 500,
  not_implemented: 501,
  unavailable: 503,
};

export interface ValidationIssue {
  location: 'body' | 'query' | 'path' | 'header' | 'cookie' | 'response';
  /** path inside the location, e.g. ['username'] or ['items', 0, 'id'] */
  path: (string | number)[];
  message: string;
  /** machine-readable reason, e.g. 'missing', 'enum', 'maxLength', 'type' */
  type: string;
}

export interface GatewayErrorOptions {
  status?: number;
  /** the API's own error name (Directory `E_...`, Conjure `Authorization:...`, Passkeys msgCode) */
  code?: string;
  issues?: ValidationIssue[];
  params?: Record<string, string>;
  headers?: Record<string, string>;
  /** a short summary of the problem type, where the API's shape has one (RFC 9457 §3.1.3) */
  title?: string;
  /** RFC 7644 §3.12 scimType */
  scimType?: string;
  /** RFC 6749 §5.2 error code for OAuth endpoints */
  oauthError?: string;
  /** The identity core's domain code (identity/errors.ts) this error came from, for the API's formatter. */
  domainCode?: string;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly options: GatewayErrorOptions;

  constructor(kind: ErrorKind, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.kind = kind;
    this.status = options.status ?? DEFAULT_STATUS[kind];
    this.options = options;
  }
}

export const badRequest = (message: string, o?: GatewayErrorOptions) => new GatewayError('bad_request', message, o);
export const unauthorized = (message = 'Not authenticated', o?: GatewayErrorOptions) => new GatewayError('unauthorized', message, o);
export const forbidden = (message = 'Not allowed', o?: GatewayErrorOptions) => new GatewayError('forbidden', message, o);
export const notFound = (message = 'Not found', o?: GatewayErrorOptions) => new GatewayError('not_found', message, o);
export const conflict = (message: string, o?: GatewayErrorOptions) => new GatewayError('conflict', message, o);

export function validationError(issues: ValidationIssue[], message = 'Request validation failed'): GatewayError {
  return new GatewayError('validation', message, { issues });
}
