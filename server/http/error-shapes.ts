/**
 * Each API answers errors in its own seed's shape (docs/architecture.md, Errors). A formatter turns a
 * GatewayError and the error id (also logged) into status, body and content type. No formatter
 * ever includes a stack or an internal message: 500s say only that something failed, and the id.
 */
import type { ErrorKind, GatewayError } from './errors.ts';

export interface ErrorReply {
  status: number;
  body: unknown;
  contentType?: string;
}

export type ErrorFormatter = (err: GatewayError, errorId: string) => ErrorReply;

function publicMessage(err: GatewayError, errorId: string): string {
  return err.status >= 500 && err.kind === 'internal' ? `Internal error (error id ${errorId})` : err.message;
}

/** Vault (FastAPI): 422 `{detail: [{loc, msg, type}]}` for validation, `{detail}` otherwise. */
export const vaultError: ErrorFormatter = (err, errorId) => {
  if (err.kind === 'validation') {
    return {
      status: 422,
      body: {
        detail: (err.options.issues ?? []).map((i) => ({ loc: [i.location, ...i.path], msg: i.message, type: i.type })),
      },
    };
  }
  return { status: err.status, body: { detail: publicMessage(err, errorId) } };
};

/** RFC 6749 §5.2, for the Vault's "Standard" token endpoint. */
export const oauthError: ErrorFormatter = (err, errorId) => {
  // §5.2: any other refusal of the request itself (a JSON body, an unknown charset, a body over
  // the limit) is `invalid_request`; `temporarily_unavailable` (§4.1.2.1) for a store outage.
  const code =
    err.options.oauthError ??
    (err.kind === 'unauthorized' ? 'invalid_client' : err.status < 500 ? 'invalid_request' : err.status === 503 ? 'temporarily_unavailable' : 'server_error');
  const status = err.kind === 'validation' ? 400 : err.status;
  const description =
    err.kind === 'validation' ? (err.options.issues ?? []).map((i) => `${[i.location, ...i.path].join('.')}: ${i.message}`).join('; ') : publicMessage(err, errorId);
  return { status, body: { error: code, error_description: description || err.message } };
};

/** RFC 7644 §3.12. */
export const scimError: ErrorFormatter = (err, errorId) => {
  const scimType = err.options.scimType ?? (err.kind === 'validation' ? 'invalidValue' : undefined);
  const detail =
    err.kind === 'validation' ? (err.options.issues ?? []).map((i) => `${[i.location, ...i.path].join('.')}: ${i.message}`).join('; ') : publicMessage(err, errorId);
  return {
    status: err.status,
    contentType: 'application/scim+json',
    body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(err.status), ...(scimType ? { scimType } : {}), detail },
  };
};

// Every kind has a code in every table (Record<ErrorKind, …>): a kind added to errors.ts does not
// compile until each API has named it.
const DIRECTORY_CODES: Record<ErrorKind, string> = {
  bad_request: 'E_InvalidParameter',
  validation: 'E_InvalidParameter',
  unauthorized: 'E_Unauthorized',
  forbidden: 'E_Forbidden',
  not_found: 'E_NotFound',
  gone: 'E_NotFound',
  method_not_allowed: 'E_MethodNotAllowed',
  conflict: 'E_Conflict',
  locked: 'E_Forbidden',
  payload_too_large: 'E_PayloadTooLarge',
  unsupported_media_type: 'E_UnsupportedMediaType',
  timeout: 'E_Timeout',
  rate_limited: 'E_TooManyRequests',
  not_implemented: 'E_NotImplemented',
  unavailable: 'E_ServiceUnavailable',
  internal: 'E_UnknownError',
};

/** Infinite Directory: `{code, error: true, uuid}`; the uuid is the error id. */
export const directoryError: ErrorFormatter = (err, errorId) => ({
  status: err.status,
  body: { code: err.options.code ?? DIRECTORY_CODES[err.kind] ?? 'E_UnknownError', error: true, uuid: errorId },
});

const PASSKEYS_CODES: Record<ErrorKind, string> = {
  bad_request: 'bad_request',
  validation: 'bad_request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not_found',
  method_not_allowed: 'method_not_allowed',
  conflict: 'conflict',
  gone: 'gone',
  locked: 'locked',
  payload_too_large: 'payload_too_large',
  unsupported_media_type: 'unsupported_media_type',
  timeout: 'timeout',
  rate_limited: 'too_many_requests',
  not_implemented: 'not_implemented',
  unavailable: 'service_unavailable',
  internal: 'internal_error',
};

/** LoginID: `{msg, msgCode}`, validation details under `errs`. */
export const passkeysError: ErrorFormatter = (err, errorId) => ({
  status: err.status,
  body: {
    msg: publicMessage(err, errorId),
    msgCode: err.options.code ?? PASSKEYS_CODES[err.kind] ?? 'internal_error',
    ...(err.kind === 'validation' && err.options.issues?.length
      ? { errs: err.options.issues.map((i) => ({ path: `/${[i.location, ...i.path].join('/')}`, msg: i.message })) }
      : {}),
  },
});

/** The Passkeys API's SCIM operations: RFC 7644 §3.12 with the `msgCode` its other errors carry (seed 003 ScimError). */
export const passkeysScimError: ErrorFormatter = (err, errorId) => {
  const scim = scimError(err, errorId);
  const { msgCode } = passkeysError(err, errorId).body as { msgCode: string };
  return { ...scim, body: { ...(scim.body as object), msgCode } };
};

const CONJURE: Record<ErrorKind, [string, string, number]> = {
  bad_request: ['INVALID_ARGUMENT', 'Default:InvalidArgument', 400],
  validation: ['INVALID_ARGUMENT', 'Default:InvalidArgument', 400],
  unauthorized: ['UNAUTHORIZED', 'Default:Unauthorized', 401],
  forbidden: ['PERMISSION_DENIED', 'Default:PermissionDenied', 403],
  not_found: ['NOT_FOUND', 'Default:NotFound', 404],
  method_not_allowed: ['CUSTOM_CLIENT', 'Default:MethodNotAllowed', 405],
  conflict: ['CONFLICT', 'Default:Conflict', 409],
  payload_too_large: ['REQUEST_ENTITY_TOO_LARGE', 'Default:RequestEntityTooLarge', 413],
  unsupported_media_type: ['CUSTOM_CLIENT', 'Default:UnsupportedMediaType', 415],
  rate_limited: ['CUSTOM_CLIENT', 'Default:TooManyRequests', 429],
  timeout: ['TIMEOUT', 'Default:Timeout', 500],
  gone: ['NOT_FOUND', 'Default:NotFound', 410],
  locked: ['FAILED_PRECONDITION', 'Default:FailedPrecondition', 423],
  not_implemented: ['CUSTOM_SERVER', 'Default:NotImplemented', 501],
  unavailable: ['CUSTOM_SERVER', 'Default:ServiceUnavailable', 503],
  internal: ['INTERNAL', 'Default:Internal', 500],
};

/** Conjure SerializableError; parameter values are strings (legacy serialization). */
export const conjureError: ErrorFormatter = (err, errorId) => {
  const [errorCode, defaultName] = CONJURE[err.kind] ?? CONJURE.internal;
  const parameters: Record<string, string> = { ...(err.options.params ?? {}) };
  if (err.kind === 'validation' && err.options.issues?.length) {
    parameters.message = err.options.issues.map((i) => `${[i.location, ...i.path].join('.')}: ${i.message}`).join('; ');
  } else if (err.status < 500 && !err.options.code) {
    parameters.message = err.message;
  }
  return { status: err.status, body: { errorCode, errorName: err.options.code ?? defaultName, errorInstanceId: errorId, parameters } };
};

/** Our own operator API: a problem document (RFC 9457 fields) with the error id. */
export const problemError: ErrorFormatter = (err, errorId) => ({
  status: err.status,
  body: {
    type: `urn:gateway:problem:${err.options.code ?? err.kind.replace(/_/g, '-')}`,
    title: err.options.title ?? err.kind.replace(/_/g, ' '),
    status: err.status,
    detail:
      err.kind === 'validation'
        ? (err.options.issues ?? []).map((i) => `${[i.location, ...i.path].join('.')}: ${i.message}`).join('; ')
        : publicMessage(err, errorId),
    errorId,
  },
});
