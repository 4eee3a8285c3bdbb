/** POST /mfa/passkey/tx: a passkey of the user confirms the flow's payload and finishes it (mfa-passkey.ts). */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { mfaPasskeyStep } from '../mfa-passkey.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mfaPasskeyTx: H['mfaPasskeyTx'] = async ({ body, principal, context }) => mfaPasskeyStep(context, principal, 'tx', body.assertionResult);
