/**
 * Versions as entity tags (RFC 7644 §3.14): `meta.version` and the `ETag` header are the weak tag
 * W/"<version>" of the record's version counter, and `If-Match` on PUT, PATCH and DELETE makes the
 * change conditional on it.
 *
 * HTTP's If-Match uses the strong comparison (RFC 9110 §13.1.1), under which a weak tag never
 * matches; SCIM sends its weak `meta.version` in If-Match (RFC 7644 §3.14 examples), so tags are
 * compared here by their opaque part. `*` matches any existing resource.
 */
import { preconditionFailed } from './errors.ts';

export function etagOf(version: number): string {
  return `W/"${version}"`;
}

function opaque(tag: string): string {
  return tag.trim().replace(/^W\//i, '');
}

/** The version a client's If-Match demands, checked against the current one (412 when stale). */
export function checkIfMatch(header: string | string[] | undefined, version: number): void {
  if (header === undefined) return;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  if (tags.length === 0) return;
  const current = opaque(etagOf(version));
  if (tags.some((t) => t === '*' || opaque(t) === current)) return;
  throw preconditionFailed(`If-Match ${tags.join(', ')} does not match the current version ${etagOf(version)}`);
}

/** The If-Match header of a request, whatever the case of its name. */
export function ifMatchHeader(headers: Record<string, unknown>): string | undefined {
  const value = headers['if-match'] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === 'if-match')?.[1];
  if (Array.isArray(value)) return value.join(',');
  return typeof value === 'string' ? value : undefined;
}
