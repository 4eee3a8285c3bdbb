/** Shared by the SCIM tests: strict query encoding and the PatchOp schema. */

export const PATCH_OP = ['urn:ietf:params:scim:api:messages:2.0:PatchOp'];
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * Query strings percent-encoded by RFC 3986 §2.2 to the letter: `encodeURIComponent` (openapi-fetch's
 * default) leaves the sub-delimiters ( ) ' ! * as they are, and the spec's `filter` parameter does
 * not allow reserved characters, so the validator would refuse filters with parentheses.
 */
export function strictQuery(query: Record<string, unknown>): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${enc(k)}=${enc(String(v))}`)
    .join('&');
}
