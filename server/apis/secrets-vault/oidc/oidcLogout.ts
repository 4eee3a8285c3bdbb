/** POST /api/oidc/logout: RP-Initiated Logout by form (identity/vault/rp-logout.ts). */
import { rpInitiatedLogout } from '../../../identity/vault/rp-logout.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const oidcLogout: VaultHandlers<'oidcLogout'>['oidcLogout'] = async ({ body, context }) => {
  const redirect = await rpInitiatedLogout(context.services, {
    idTokenHint: body.id_token_hint,
    postLogoutRedirectUri: body.post_logout_redirect_uri,
    state: body.state,
    clientId: body.client_id,
    ip: context.ip,
  });
  return redirect === null ? { status: 200, body: null } : { status: 302, headers: { Location: redirect } };
};
