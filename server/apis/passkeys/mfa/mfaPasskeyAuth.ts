/** POST /mfa/passkey/auth: a passkey of the user finishes a flow without payload (mfa-passkey.ts). */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { mfaPasskeyStep } from '../mfa-passkey.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mfaPasskeyAuth: H['mfaPasskeyAuth'] = async ({ body, principal, context }) => mfaPasskeyStep(context, principal, 'auth', body.assertionResult);
