/** Vault handlers: passkeys in the Vault: registration, authentication, list, rename, delete. */
import type { VaultHandlers } from '../handler-types.ts';
import { authOptions } from './authOptions.ts';
import { listPasskeys } from './listPasskeys.ts';
import { registerOptions } from './registerOptions.ts';
import { updatePasskey } from './updatePasskey.ts';
import { verifyAuth } from './verifyAuth.ts';
import { verifyRegistration } from './verifyRegistration.ts';
import { deletePasskey } from './deletePasskey.ts';

export const passkeyHandlers: VaultHandlers<'listPasskeys' | 'updatePasskey' | 'registerOptions' | 'verifyRegistration' | 'authOptions' | 'verifyAuth' | 'deletePasskey'> = {
  listPasskeys,
  updatePasskey,
  registerOptions,
  verifyRegistration,
  authOptions,
  verifyAuth,
  deletePasskey,
};
