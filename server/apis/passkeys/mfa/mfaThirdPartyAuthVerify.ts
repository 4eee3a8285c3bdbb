/**
 * POST /mfa/third-party/verify: a token of mgmt/grant/external-auth finishes the flow: the
 * application's backend vouches for the user, authenticated by a third party. It must verify as
 * this API's token (ES256, issuer, audience, unexpired), carry `ext: true` and no grant, and name
 * this flow's application (`tid`) and user (`sub`); an access token or another user's or
 * application's token is refused.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { badRequest } from '../../../http/errors.ts';
import { advanceFlow } from '../../../identity/loginid/mfa-sessions.ts';
import { verifyAccessToken } from '../../../identity/loginid/tokens.ts';
import { TokenError } from '../../../identity/tokens.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { finishMfa } from '../mfa-finish.ts';
import { lostRace, runMfaStep } from '../mfa-step.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mfaThirdPartyAuthVerify: H['mfaThirdPartyAuthVerify'] = async ({ body, principal, context }) =>
  runMfaStep(context, principal, 'external', {}, async ({ tenant, flow, user, now }) => {
    const { services } = context;
    let claims: Record<string, unknown>;
    try {
      claims = (await verifyAccessToken(services.identity.tokens, services.config.publicUrl, body.token)).payload;
    } catch (e) {
      if (e instanceof TokenError) throw badRequest(`Invalid third-party token: ${e.reason.replace(/_/g, ' ')}`);
      throw e;
    }
    if (claims.ext !== true || (typeof claims.scope === 'string' && claims.scope !== '')) throw badRequest('This is not a third-party authentication token');
    if (user === null || claims.tid !== tenant._id || claims.sub !== user._id) throw badRequest('This third-party token is not for this user of this application');
    const moved = await advanceFlow(services.store, flow, 'done', {}, now);
    if (moved === null) throw lostRace();
    return { status: 200 as const, body: await finishMfa(context, tenant, moved.flow, user, { method: 'external', amr: [] }) };
  });
