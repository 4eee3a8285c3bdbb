/** What the three token endpoints share: the form, the RFC 6749 §5.1 no-store headers. */
import { exchangeToken, type TokenForm, type TokenResponse } from '../../../identity/vault/token-endpoint.ts';
import type { ApiContext } from '../../types.ts';

export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** The form fields the grants read; `scope` (RFC 6749 §4.4.2, §6) travels beside the schema's fields. */
export function tokenForm(body: Record<string, unknown>): TokenForm {
  const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
  return {
    grant_type: field('grant_type') ?? '',
    client_id: field('client_id'),
    client_secret: field('client_secret'),
    code: field('code'),
    redirect_uri: field('redirect_uri'),
    code_verifier: field('code_verifier'),
    refresh_token: field('refresh_token'),
    scope: field('scope'),
  };
}

export async function tokenReply(
  context: ApiContext,
  tenantId: string,
  body: Record<string, unknown>,
  basic: { username: string; password: string } | null = null,
): Promise<{ status: 200; body: TokenResponse; headers: Record<string, string> }> {
  const response = await exchangeToken(context.services, { tenantId, form: tokenForm(body), basic, ip: context.ip, userAgent: context.userAgent });
  return { status: 200, body: response, headers: NO_STORE };
}
