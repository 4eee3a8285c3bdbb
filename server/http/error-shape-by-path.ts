/**
 * Which error shape a request gets before any API's router has seen it (the gateway still
 * starting, a request Node's HTTP parser refused): the shape of the API whose prefix the path
 * names, the longest prefix first; outside every API, the gateway's plain `{error, message,
 * requestId}`.
 */
import type { ErrorFormatter, ErrorReply } from './error-shapes.ts';
import type { ApiDefinition } from './mount-api.ts';

export interface ShapeByPrefix {
  prefix: string;
  formatter: ErrorFormatter;
}

/** Paths outside every API (and the gateway's own 404): `{error, message, requestId}`. */
export const plainError: ErrorFormatter = (err, errorId): ErrorReply => ({
  status: err.status,
  body: { error: err.kind, message: err.status >= 500 && err.kind === 'internal' ? `Internal error (error id ${errorId})` : err.message, requestId: errorId },
});

export function errorShapesByPrefix<S>(definitions: readonly ApiDefinition<S>[]): ShapeByPrefix[] {
  return definitions
    .flatMap((def) => (def.prefixes ?? [def.serverUrl]).map((prefix) => ({ prefix, formatter: def.errorFormatter(undefined) })))
    .sort((a, b) => b.prefix.length - a.prefix.length);
}

/** `shapes` longest prefix first, as errorShapesByPrefix orders them; a `/` prefix never claims a path here. */
export function errorShapeForPath(path: string | undefined, shapes: readonly ShapeByPrefix[]): ErrorFormatter {
  if (path === undefined) return plainError;
  const match = shapes.find(({ prefix }) => prefix !== '/' && (path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)));
  return match?.formatter ?? plainError;
}
