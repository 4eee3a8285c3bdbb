/**
 * tx/complete: the assertion over the transaction's challenge (assertion.ts, purpose
 * `transaction`), then the confirmation: an ES256 JWT carrying the `txHash` and `txId` the core's
 * ceremony kept, verifiable at
 * the JWKS. It is also the user's sign-in (a passkey assertion with UV), with the self-service
 * grants, since LoginID's web SDK keeps it as the session token.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { badRequest } from '../../../http/errors.ts';
import { issueAccessToken, readSession, SELF_GRANTS } from '../../../identity/loginid/tokens.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { verifySessionAssertion } from '../assertion.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const txComplete: H['txComplete'] = async ({ body, context }) => {
  const { services } = context;
  const s = await readSession(services.identity.tokens, services.config.publicUrl, body.session, 'tx');
  if (s === null) throw badRequest('Invalid or expired session');
  const { tenant, user, credential, transaction } = await verifySessionAssertion(context, s, {
    authenticatorData: body.authenticatorData,
    clientDataJSON: body.clientData,
    credentialId: body.keyHandle,
    signature: body.signature,
  });
  const token = await issueAccessToken(services.identity.tokens, {
    publicUrl: services.config.publicUrl,
    tenantId: tenant._id,
    userId: user._id,
    username: user.username,
    grants: SELF_GRANTS,
    claims: { pid: credential._id, txHash: transaction?.hash, txId: transaction?.id },
  });
  return { status: 200, body: { credentialId: credential._id, token, jwtAccess: token } };
};
