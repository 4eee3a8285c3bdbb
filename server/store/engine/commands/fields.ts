/**
 * The fields each command (and each statement inside it) may carry, checked before a handler
 * runs, so that nothing the engine does not implement is silently ignored.
 *
 * MongoDB 7.0 parses its commands with strict IDL definitions (src/mongo/db/query/find_command.idl,
 * src/mongo/db/ops/write_ops.idl and siblings): a field the definition does not know is refused
 * with error 40415 `BSON field 'find.foo' is an unknown field.` before anything runs, and so is a
 * field of a statement (`update.updates.sort`, which 8.0 added). The engine gives that same answer
 * for fields 7.0 does not know, and NotImplemented (238) for fields 7.0 knows but the engine does
 * not model (collation, let, ...). A command is refused as a whole: no statement of a batch runs.
 */
import { MongoCommandError, notImplemented } from '../errors.ts';
import { isPlainObject, type Doc } from '../values.ts';
import type { CommandHandler } from '../context.ts';

export interface FieldSpec {
  /** Fields the handler reads and honours (the command's own name field aside). */
  implemented: readonly string[];
  /** Fields MongoDB 7.0 accepts whose effect the engine does not model: NotImplemented. */
  notImplemented?: readonly string[];
}

export interface CommandSpec extends FieldSpec {
  /** The command takes a `readConcern` (reads); other commands refuse a non-empty one. */
  readConcern?: boolean;
  /** The command takes a `writeConcern` (writes and catalog changes). */
  writeConcern?: boolean;
  /**
   * Fields outside the lists are let through: the command's own argument list (getParameter), or
   * ignored by MongoDB itself (ping; hello, to which drivers send handshake fields of newer servers).
   */
  open?: boolean;
}

/**
 * Generic arguments (src/mongo/idl/generic_argument.idl) that every command accepts and whose
 * effect on a single-node, session-less engine is none: routing and tracing metadata, a time
 * limit (a command here runs to completion at once), the stable API version 1 (the engine's
 * subset lies within it).
 */
const GENERIC_HONOURED = new Set([
  '$db', 'lsid', '$clusterTime', '$readPreference', 'comment', 'maxTimeMS', 'apiVersion', 'apiStrict', 'apiDeprecationErrors',
]);

/** Generic arguments of replication, sharding, transactions and auditing: outside the subset. */
const GENERIC_REFUSED = new Set([
  'txnNumber', 'autocommit', 'startTransaction', 'stmtId', 'clientOperationKey', '$audit', '$configServerState', '$configTime',
  '$topologyTime', 'databaseVersion', 'shardVersion', 'maxTimeMSOpOnly', '$queryOptions', 'mayBypassWriteBlocking',
  '$replData', '$oplogQueryData', 'coordinator', 'tracking_info', 'usesDefaultMaxTimeMS',
]);

/** MongoDB's IDL error for a field its definition does not know (error code 40415). */
export function unknownField(path: string): MongoCommandError {
  return new MongoCommandError('Location40415', `BSON field '${path}' is an unknown field.`);
}

/** MongoDB's IDL error for a required field that is absent (error code 40414). */
export function missingField(path: string): MongoCommandError {
  return new MongoCommandError('Location40414', `BSON field '${path}' is missing but a required field`);
}

/**
 * Refuses every field of `doc` outside `spec`: NotImplemented for the ones MongoDB 7.0 knows,
 * 40415 for the others. `path` names `doc` in errors (`update.updates`).
 */
export function checkFields(doc: Doc, path: string, spec: FieldSpec, skip: ReadonlySet<string> = new Set()): void {
  for (const field of Object.keys(doc)) {
    if (doc[field] === undefined || skip.has(field) || spec.implemented.includes(field)) continue;
    if (spec.notImplemented?.includes(field)) {
      // `false` is the default of every flag among them (tailable, capped, returnKey ...): no effect.
      if (doc[field] === false) continue;
      throw notImplemented(`BSON field '${path}.${field}'`);
    }
    throw unknownField(`${path}.${field}`);
  }
}

/** A handler whose command body is checked against `spec` before it runs. */
export function command(spec: CommandSpec, handler: CommandHandler): CommandHandler {
  return (ctx, req) => {
    const [name] = Object.keys(req.body);
    const skip = new Set<string>([name]);
    for (const field of Object.keys(req.body)) {
      if (field === name || req.body[field] === undefined) continue;
      if (GENERIC_REFUSED.has(field)) throw notImplemented(`BSON field '${name}.${field}'`);
      if (GENERIC_HONOURED.has(field)) {
        checkGeneric(req.body, field);
        skip.add(field);
      } else if (field === 'readConcern') {
        checkReadConcern(req.body.readConcern, name, spec.readConcern === true);
        skip.add(field);
      } else if (field === 'writeConcern') {
        checkWriteConcern(req.body.writeConcern, name, spec.writeConcern === true);
        skip.add(field);
      } else if (spec.open && !spec.notImplemented?.includes(field)) {
        skip.add(field);
      }
    }
    checkFields(req.body, name, spec, skip);
    return handler(ctx, req);
  };
}

function checkGeneric(body: Doc, field: string): void {
  if (field === 'apiVersion' && body.apiVersion !== '1') {
    throw new MongoCommandError('APIVersionError', `API version must be "1"`);
  }
  if (field === 'maxTimeMS') {
    const n = Number((body.maxTimeMS as { valueOf(): unknown })?.valueOf?.());
    if (!Number.isFinite(n) || n < 0) throw new MongoCommandError('BadValue', `${String(body.maxTimeMS)} value for maxTimeMS is out of range`);
  }
}

/** `local`, `available` and `majority` read the same on one node; anything else is outside the subset. */
function checkReadConcern(value: unknown, command: string, supported: boolean): void {
  if (!isPlainObject(value)) throw new MongoCommandError('TypeMismatch', `BSON field 'readConcern' is the wrong type, expected type 'object'`);
  if (Object.keys(value).length === 0) return;
  if (!supported) throw new MongoCommandError('InvalidOptions', `Command ${command} does not support ${JSON.stringify({ readConcern: value })}`);
  for (const field of Object.keys(value)) {
    if (field !== 'level') throw notImplemented(`read concern option '${field}'`);
  }
  if (!['local', 'available', 'majority'].includes(String(value.level))) throw notImplemented(`read concern level '${String(value.level)}'`);
}

/**
 * Every acknowledged write is applied (and journaled, when a data directory is set) before the
 * reply on the one node there is, which is what w: 1, w: 'majority' and j: true ask; `w: 0` is
 * the driver's fire-and-forget (no reply is read). Counts above one and tag sets need members
 * the engine does not have.
 */
function checkWriteConcern(value: unknown, command: string, supported: boolean): void {
  if (!isPlainObject(value)) throw new MongoCommandError('TypeMismatch', `BSON field 'writeConcern' is the wrong type, expected type 'object'`);
  if (Object.keys(value).length === 0) return;
  if (!supported) throw new MongoCommandError('InvalidOptions', `Command ${command} does not support writeConcern`);
  for (const field of Object.keys(value)) {
    if (!['w', 'j', 'wtimeout', 'fsync', 'provenance'].includes(field)) throw notImplemented(`write concern option '${field}'`);
  }
  if (value.w !== undefined && value.w !== 'majority') {
    const w = Number((value.w as { valueOf(): unknown })?.valueOf?.());
    if (w !== 0 && w !== 1) throw notImplemented(`write concern w: ${JSON.stringify(value.w)}`);
  }
}
