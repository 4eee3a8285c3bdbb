/** GET /api/oidc/logout: RP-Initiated Logout by redirect (identity/vault/rp-logout.ts). */
import { rpInitiatedLogout } from '../../../identity/vault/rp-logout.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const oidcLogoutRedirect: VaultHandlers<'oidcLogoutRedirect'>['oidcLogoutRedirect'] = async ({ query, context }) => {
  const redirect = await rpInitiatedLogout(context.services, {
    idTokenHint: query.id_token_hint,
    postLogoutRedirectUri: query.post_logout_redirect_uri,
    state: query.state,
    clientId: query.client_id,
    ip: context.ip,
  });
  return redirect === null ? { status: 200, body: null } : { status: 302, headers: { Location: redirect } };
};
