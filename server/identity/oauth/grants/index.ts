/**
 * The grant registry: every grant type the token endpoint serves, each in its own file exporting
 * its type, its parameters and its handler. Discovery (`grant_types_supported`), the token form,
 * the token endpoint and client registration (which grants a client type may hold) read this
 * list, so a grant is added in one place.
 */
import type { ClientDoc } from '../../../store/collections.ts';
import type { Grant } from '../grant.ts';
import { authorizationCodeGrant } from './authorization-code.ts';
import { clientCredentialsGrant } from './client-credentials.ts';
import { refreshTokenGrant } from './refresh-token.ts';

export const GRANTS: readonly Grant[] = [authorizationCodeGrant, refreshTokenGrant, clientCredentialsGrant];

/** Discovery's `grant_types_supported` (OpenID Connect Discovery 1.0 §3). */
export const GRANT_TYPES: readonly string[] = GRANTS.map((g) => g.type);

/** Every form parameter a token request may carry: client authentication (RFC 6749 §2.3.1), scope, and each grant's. */
export const TOKEN_FORM_PARAMETERS: readonly string[] = [...new Set(['grant_type', 'client_id', 'client_secret', 'scope', ...GRANTS.flatMap((g) => g.parameters)])];

export function grantOf(type: string): Grant | null {
  return GRANTS.find((g) => g.type === type) ?? null;
}

/** The grant types a client of `type` may hold: confidential-only grants are not for public clients. */
export function grantTypesFor(type: ClientDoc['type']): string[] {
  return GRANTS.filter((g) => type === 'confidential' || !g.confidentialOnly).map((g) => g.type);
}
