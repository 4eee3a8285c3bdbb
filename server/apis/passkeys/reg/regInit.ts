/**
 * reg/init: WebAuthn creation options for a new user's first passkey, or another passkey of an
 * existing user, who must be signed in: a `reg:write` JWT for that user, in Authorization or (as
 * LoginID's web SDK sends one from the application's backend) in `session`. The user of a new
 * registration is created by reg/complete, once the credential verifies; its id is chosen here and
 * bound into the session with its names.
 */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { badRequest, forbidden } from '../../../http/errors.ts';
import { hasScope, type Principal } from '../../../http/principal.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appById, deactivated } from '../app-context.ts';
import { beginRegistration } from '../ceremony-start.ts';
import { principalOfToken } from '../security.ts';
import { toCreationOptions } from '../webauthn-json.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

/** The grant token of the body's `session`, verified like the Authorization header's. */
async function sessionGrant(context: ApiContext, token: string): Promise<Principal> {
  const p = await principalOfToken(context.services, 'jwt_header_Authorization', token);
  if (!hasScope(p, 'reg:write')) throw forbidden('session must be a reg:write grant token');
  return p;
}

export const regInit: H['regInit'] = async ({ body, principal, context }) => {
  const { services } = context;
  const grant = principal ?? (body.session ? await sessionGrant(context, body.session) : null);
  const tenant = await appById(context, body.app.id, grant);
  const username = body.user?.username?.trim();
  if (!username) throw badRequest('user.username is required to register a passkey');
  const existing = await services.identity.users.getByUsername(tenant._id, username);
  if (existing !== null) {
    if (grant === null || grant.userId !== existing._id) throw forbidden('This user exists: adding a passkey needs a reg:write token for this user');
    if (existing.disabled) throw deactivated();
  }
  const conditional = body.passkeyOptions?.conditionalCreate === true;
  const { options, session } = await beginRegistration(context, tenant, {
    user: {
      id: existing?._id ?? randomUUID(),
      name: existing?.username ?? username,
      displayName: body.user?.displayName?.trim() || existing?.displayName || username,
      exists: existing !== null,
    },
    usernameType: body.user?.usernameType ?? 'other',
    deviceInfo: body.deviceInfo,
    // Conditional create (a passkey offered after another sign-in) runs without a gesture, so without UV.
    userVerification: conditional ? 'preferred' : 'required',
    ...(body.passkeyOptions?.securityKey ? { attachment: 'cross-platform' as const } : {}),
  });
  return { status: 200, body: { action: 'proceed', registrationRequestOptions: toCreationOptions(options), session } };
};
