/** Vault handlers: zkimg-1 login, password reset and change, the login UI's client lookups, lockout lists. */
import { notImplemented } from '../../../http/not-implemented.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const authHandlers: VaultHandlers<'register' | 'getChallenge' | 'authenticate' | 'requestResetPassword' | 'resetPasswordCode' | 'changePassword' | 'getClient' | 'getClientTenant' | 'blockedIps' | 'blockUsers'> = {
  register: notImplemented,
  getChallenge: notImplemented,
  authenticate: notImplemented,
  requestResetPassword: notImplemented,
  resetPasswordCode: notImplemented,
  changePassword: notImplemented,
  getClient: notImplemented,
  getClientTenant: notImplemented,
  blockedIps: notImplemented,
  blockUsers: notImplemented,
};
