/** OAuth scope strings (RFC 6749 §3.3): space-delimited, case-sensitive, each a non-empty run of NQCHAR. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** The distinct scopes of a scope string, in order; malformed tokens are kept so the caller refuses them. */
export function parseScope(scope: string): string[] {
  return [...new Set(scope.split(' ').filter((s) => s !== ''))];
}

export const isScopeToken = (token: string): boolean => SCOPE_TOKEN.test(token);
