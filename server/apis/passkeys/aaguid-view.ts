/** An authenticator model's metadata (seed 003 Aaguid), from the AAGUID data set (identity/loginid/aaguids.ts). */
import type { components } from '../../../generated/passkeys/schema.ts';
import { badRequest, notFound } from '../../http/errors.ts';
import { isAaguid, providerName } from '../../identity/loginid/aaguids.ts';

export function aaguidOf(aaguid: string): components['schemas']['Aaguid'] {
  if (!isAaguid(aaguid)) throw badRequest('aaguid must be a UUID');
  const name = providerName(aaguid);
  if (name === null) throw notFound('Unknown authenticator model');
  return { id: aaguid.toLowerCase(), name };
}
