/**
 * auth/init: WebAuthn request options. With a username, the user's passkeys are offered; with an
 * empty one (LoginID's usernameless and autofill sign-in) none are, and the authenticator picks a
 * discoverable passkey (WebAuthn §5.5). A username that names no user, or a deactivated one, gets
 * the same kind of answer bound to no user, so the reply does not say which usernames exist; such
 * a ceremony can never complete.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appById } from '../app-context.ts';
import { beginAuthentication } from '../ceremony-start.ts';
import { toRequestOptions } from '../webauthn-json.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const authInit: H['authInit'] = async ({ body, context }) => {
  const tenant = await appById(context, body.app.id, null);
  const username = body.user?.username?.trim() ?? '';
  const found = username ? await context.services.identity.users.getByUsername(tenant._id, username) : null;
  const user = found && !found.disabled ? found : null;
  const { options, session } = await beginAuthentication(context, tenant, { byUsername: username !== '', userId: user?._id ?? null, deviceInfo: body.deviceInfo });
  return {
    status: 200,
    body: { action: 'proceed', assertionOptions: toRequestOptions(options), crossAuthMethods: [], fallbackMethods: [], session },
  };
};
