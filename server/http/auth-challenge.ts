/**
 * Builds a `WWW-Authenticate` challenge (RFC 9110 §11.6.1) whose parameter values may come from a
 * request (a tenant id in the path, say). Every value is sent as a quoted-string (§5.6.4): `"` and
 * `\` are escaped, and anything outside visible ASCII and space (control characters, NUL,
 * non-ASCII) becomes `?`, so a value can neither end the string and add a parameter of its own nor
 * make Node refuse the header.
 */
export function quotedString(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function authChallenge(scheme: string, params: Record<string, string> = {}): string {
  const list = Object.entries(params).map(([name, value]) => `${name}=${quotedString(value)}`);
  return list.length ? `${scheme} ${list.join(', ')}` : scheme;
}
