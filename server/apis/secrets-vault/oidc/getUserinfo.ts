/**
 * GET /api/oidc/{tenant_id}/userinfo (OpenID Connect Core §5.3):
 * - the bearer must be an access token (not an API key) of THIS tenant's issuer, carrying the
 *   `openid` scope, whose session (`sid`) is still open: logout and refresh-token reuse end it;
 * - claims per granted scope (§5.4): `sub` always; `email` → email, email_verified; `profile` →
 *   preferred_username, name, locale, updated_at.
 */
import { forbidden, unauthorized } from '../../../http/errors.ts';
import { issuers } from '../../../issuers.ts';
import { epochSeconds } from '../../../identity/clock.ts';
import { findActiveSessionWithUser } from '../../../identity/sessions.ts';
import type { VaultHandlers } from '../handler-types.ts';
import type { UserDoc } from '../../../store/collections.ts';

export const getUserinfo: VaultHandlers<'getUserinfo'>['getUserinfo'] = async ({ params, principal, context }) => {
  const { services } = context;
  const tenantId = params.tenant_id;
  const claims = principal?.claims;
  if (principal === null || principal.kind !== 'access_token' || claims === undefined) throw unauthorized('An access token is required');
  if (claims.iss !== issuers.vault(services.config.publicUrl, tenantId) || principal.tenantId !== tenantId) {
    throw unauthorized('Invalid token: issued by another tenant');
  }
  if (!principal.scopes.includes('openid')) throw forbidden('The openid scope is required');
  const sessionId = typeof claims.sid === 'string' ? claims.sid : null;
  if (sessionId === null) throw unauthorized('Invalid token: the session has ended');
  // The bearer scheme (secrets-vault/index.ts) found this session open and read its user with it;
  // without that record in hand, both are read here.
  let user: Readonly<UserDoc> | null | undefined = principal.user?._id === principal.subject && principal.user.tenantId === tenantId ? principal.user : undefined;
  if (user === undefined) {
    const found = await findActiveSessionWithUser(services.store, tenantId, sessionId);
    if (found === null) throw unauthorized('Invalid token: the session has ended');
    user = found.user?._id === principal.subject ? found.user : null;
  }
  if (user === null || user.disabled) throw unauthorized('Invalid token: unknown user');

  const body: Record<string, unknown> = { sub: user._id };
  if (principal.scopes.includes('email') && user.email) {
    body.email = user.email;
    body.email_verified = user.emailVerified;
  }
  if (principal.scopes.includes('profile')) {
    body.preferred_username = user.username;
    if (user.displayName) body.name = user.displayName;
    if (typeof user.profile.locale === 'string') body.locale = user.profile.locale;
    body.updated_at = epochSeconds(user.updatedAt);
  }
  return { status: 200, body: body as never, headers: { 'Cache-Control': 'no-store' } };
};
