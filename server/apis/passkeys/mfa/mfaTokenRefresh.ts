/**
 * POST /mfa/token: the refresh-token grant of the core's token endpoint (identity/oauth/
 * token-endpoint.ts, grants/refresh-token.ts: rotation, reuse revokes the family and ends the
 * session) under the Passkeys token profile (identity/loginid/mfa-tokens.ts), for the
 * application's MFA client only: `client_id` is the application id. No other grant is served here.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { GatewayError } from '../../../http/errors.ts';
import { isMfaClient, passkeysTokenProfile } from '../../../identity/loginid/mfa-tokens.ts';
import { exchangeToken, tokenFormOf } from '../../../identity/oauth/token-endpoint.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export const mfaTokenRefresh: H['mfaTokenRefresh'] = async ({ body, context }) => {
  const { services } = context;
  const form = tokenFormOf(body as Record<string, unknown>);
  const tenantId = form.client_id ?? '';
  const client = tenantId ? await services.identity.clients.get(tenantId, tenantId) : null;
  if (!isMfaClient(client)) throw new GatewayError('unauthorized', 'unknown client', { oauthError: 'invalid_client' });
  const tokens = await exchangeToken(services, passkeysTokenProfile(services.config.publicUrl), {
    tenantId,
    form,
    ip: context.ip,
    userAgent: context.userAgent,
    grantTypes: ['refresh_token'],
  });
  return { status: 200 as const, headers: NO_STORE, body: { ...tokens } };
};
