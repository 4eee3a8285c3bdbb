/** Vault handlers: zkimg-1 login, password reset and change, enrolment and e-mail links, the login UI's client lookups, lockout lists and unblocking. */
import type { VaultHandlers } from '../handler-types.ts';
import { register } from './register.ts';
import { getChallenge } from './getChallenge.ts';
import { authenticate } from './authenticate.ts';
import { requestResetPassword } from './requestResetPassword.ts';
import { resetPasswordCode } from './resetPasswordCode.ts';
import { changePassword } from './changePassword.ts';
import { getClient } from './getClient.ts';
import { getClientTenant } from './getClientTenant.ts';
import { blockedIps } from './blockedIps.ts';
import { blockUsers } from './blockUsers.ts';
import { enrol } from './enrol.ts';
import { verifyEmail } from './verifyEmail.ts';
import { passkeyGrantOptions } from './passkeyGrantOptions.ts';
import { passkeyGrantRegister } from './passkeyGrantRegister.ts';
import { registerPasskeyOptions } from './registerPasskeyOptions.ts';
import { registerWithPasskey } from './registerWithPasskey.ts';
import { unblockIp } from './unblockIp.ts';
import { unblockUser } from './unblockUser.ts';

export const authHandlers: VaultHandlers<'register' | 'getChallenge' | 'authenticate' | 'requestResetPassword' | 'resetPasswordCode' | 'changePassword' | 'getClient' | 'getClientTenant' | 'blockedIps' | 'blockUsers' | 'enrol' | 'verifyEmail' | 'passkeyGrantOptions' | 'passkeyGrantRegister' | 'registerPasskeyOptions' | 'registerWithPasskey' | 'unblockIp' | 'unblockUser'> = {
  register,
  getChallenge,
  authenticate,
  requestResetPassword,
  resetPasswordCode,
  changePassword,
  getClient,
  getClientTenant,
  blockedIps,
  blockUsers,
  enrol,
  verifyEmail,
  passkeyGrantOptions,
  passkeyGrantRegister,
  registerPasskeyOptions,
  registerWithPasskey,
  unblockIp,
  unblockUser,
};
