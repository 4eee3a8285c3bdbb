/** Vault handlers: passkeys in the Vault: registration, authentication, list, rename. */
import { notImplemented } from '../../../http/not-implemented.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const passkeyHandlers: VaultHandlers<'listPasskeys' | 'updatePasskey' | 'registerOptions' | 'verifyRegistration' | 'authOptions' | 'verifyAuth'> = {
  listPasskeys: notImplemented,
  updatePasskey: notImplemented,
  registerOptions: notImplemented,
  verifyRegistration: notImplemented,
  authOptions: notImplemented,
  verifyAuth: notImplemented,
};
