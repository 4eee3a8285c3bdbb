/**
 * Server errors of the embedded engine, carrying MongoDB's own numeric code and code name
 * (src/mongo/base/error_codes.yml in the MongoDB source), so the driver raises a
 * `MongoServerError` whose `code` and `codeName` are exactly what a real server would send.
 */
export const ErrorCodes = {
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  InvalidLength: 16,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  PathNotViable: 28,
  ConflictingUpdateOperators: 40,
  IndexNotFound: 27,
  CursorNotFound: 43,
  NamespaceExists: 48,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  InvalidIndexSpecificationOption: 197,
  NotImplemented: 238,
  APIVersionError: 322,
  DuplicateKey: 11000,
  /** MongoDB's code for a projection mixing inclusion and exclusion. */
  Location31254: 31254,
  /** MongoDB's IDL parser: a required field is missing. */
  Location40414: 40414,
  /** MongoDB's IDL parser: a field the command's definition does not know. */
  Location40415: 40415,
} as const;

export type ErrorCodeName = keyof typeof ErrorCodes;

export class MongoCommandError extends Error {
  readonly code: number;
  readonly codeName: ErrorCodeName;
  /** Extra fields MongoDB puts beside `errmsg` (for E11000: keyPattern and keyValue). */
  readonly extra: Record<string, unknown>;

  constructor(codeName: ErrorCodeName, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.codeName = codeName;
    this.code = ErrorCodes[codeName];
    this.extra = extra;
  }

  /** The `{ok: 0, ...}` command reply the driver turns into a MongoServerError. */
  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }

  /** One entry of a write command's `writeErrors` array (MongoDB omits `codeName` there). */
  toWriteError(index: number): Record<string, unknown> {
    return { index, code: this.code, errmsg: this.message, ...this.extra };
  }
}

/** The one answer for anything outside the subset: never a silent wrong result. */
export function notImplemented(what: string): MongoCommandError {
  return new MongoCommandError('NotImplemented', `${what} is not implemented by the embedded engine`);
}

export function badValue(message: string): MongoCommandError {
  return new MongoCommandError('BadValue', message);
}
