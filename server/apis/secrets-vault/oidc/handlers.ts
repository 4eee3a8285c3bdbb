/** Vault handlers: the OpenID provider: discovery, JWKS, authorize, completion, token endpoints, userinfo, logout. */
import type { VaultHandlers } from '../handler-types.ts';
import { getOpenIdConfiguration } from './getOpenIdConfiguration.ts';
import { getJwks } from './getJwks.ts';
import { authorize } from './authorize.ts';
import { authorizeComplete } from './authorizeComplete.ts';
import { tokenExchange } from './tokenExchange.ts';
import { tokenExchangeTenant } from './tokenExchangeTenant.ts';
import { tokenExchangeStandard } from './tokenExchangeStandard.ts';
import { getUserinfo } from './getUserinfo.ts';
import { oidcLogout } from './oidcLogout.ts';
import { oidcLogoutRedirect } from './oidcLogoutRedirect.ts';

export const oidcHandlers: VaultHandlers<'getOpenIdConfiguration' | 'getJwks' | 'authorize' | 'authorizeComplete' | 'tokenExchange' | 'tokenExchangeTenant' | 'tokenExchangeStandard' | 'getUserinfo' | 'oidcLogout' | 'oidcLogoutRedirect'> = {
  getOpenIdConfiguration,
  getJwks,
  authorize,
  authorizeComplete,
  tokenExchange,
  tokenExchangeTenant,
  tokenExchangeStandard,
  getUserinfo,
  oidcLogout,
  oidcLogoutRedirect,
};
