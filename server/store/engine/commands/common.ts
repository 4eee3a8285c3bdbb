/** Argument parsing shared by the command handlers. */
import { MongoCommandError, notImplemented } from '../errors.ts';
import { isPlainObject, type Doc } from '../values.ts';

/** The collection a command names in its first field (`{find: 'users', ...}`). */
export function collectionName(body: Doc, command: string): string {
  const name = body[command];
  if (typeof name !== 'string' || name === '') {
    throw new MongoCommandError('InvalidNamespace', `collection name has invalid type ${typeof name}`);
  }
  return name;
}

export function optionalDoc(body: Doc, field: string): Doc | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw new MongoCommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${typeof v}', expected type 'object'`);
  return v;
}

export function optionalNumber(body: Doc, field: string): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : Number((v as { valueOf(): unknown }).valueOf());
  if (!Number.isFinite(n)) throw new MongoCommandError('TypeMismatch', `BSON field '${field}' is the wrong type, expected a number`);
  return n;
}

/** Options that change results in ways the engine does not model: refuse them loudly. */
export function refuseOptions(body: Doc, fields: string[], command: string): void {
  for (const f of fields) {
    if (body[f] !== undefined) throw notImplemented(`${command} option '${f}'`);
  }
}
