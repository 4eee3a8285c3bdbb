/** Vault handlers: the OpenID provider: discovery, JWKS, authorize, completion, token endpoints, userinfo, logout. */
import { notImplemented } from '../../../http/not-implemented.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const oidcHandlers: VaultHandlers<'getOpenIdConfiguration' | 'getJwks' | 'authorize' | 'authorizeComplete' | 'tokenExchange' | 'tokenExchangeTenant' | 'tokenExchangeStandard' | 'getUserinfo' | 'oidcLogout' | 'oidcLogoutRedirect'> = {
  getOpenIdConfiguration: notImplemented,
  getJwks: notImplemented,
  authorize: notImplemented,
  authorizeComplete: notImplemented,
  tokenExchange: notImplemented,
  tokenExchangeTenant: notImplemented,
  tokenExchangeStandard: notImplemented,
  getUserinfo: notImplemented,
  oidcLogout: notImplemented,
  oidcLogoutRedirect: notImplemented,
};
