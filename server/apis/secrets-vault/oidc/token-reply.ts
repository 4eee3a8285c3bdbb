/** What the three token endpoints share: the Vault's token profile, the form, the RFC 6749 §5.1 no-store headers. */
import { exchangeToken, tokenFormOf, type TokenSet } from '../../../identity/oauth/token-endpoint.ts';
import { vaultTokenProfile } from '../../../identity/vault/token-profile.ts';
import type { ApiContext } from '../../types.ts';

export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export async function tokenReply(
  context: ApiContext,
  tenantId: string,
  body: Record<string, unknown>,
  basic: { username: string; password: string } | null = null,
): Promise<{ status: 200; body: TokenSet; headers: Record<string, string> }> {
  const profile = vaultTokenProfile(context.services.config.publicUrl, tenantId);
  const response = await exchangeToken(context.services, profile, { tenantId, form: tokenFormOf(body), basic, ip: context.ip, userAgent: context.userAgent });
  return { status: 200, body: response, headers: NO_STORE };
}
