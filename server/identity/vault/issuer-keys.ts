/**
 * The keys a tenant's issuer publishes (RFC 7517 §5). The EdDSA key signs every access token; an
 * RS256 key exists once a client of the tenant asks for RS256 ID tokens (`sing_alg`). That key is
 * created when such a client is registered or switched to RS256, so a relying party that fetches
 * the set before its first token already finds it, and serving the set needs no query of the
 * tenant's clients (OpenID Connect Discovery 1.0 §3, `jwks_uri`).
 */
import { issuers } from '../../issuers.ts';
import type { SigningAlg } from '../../store/collections.ts';
import type { SigningKeyService } from '../signing-keys.ts';

/** Makes sure the issuer of `tenantId` has an active key of `alg` and publishes it now. */
export async function publishIssuerKey(keys: SigningKeyService, publicUrl: string, tenantId: string, alg: SigningAlg): Promise<void> {
  const issuer = issuers.vault(publicUrl, tenantId);
  const active = await keys.activeKey(issuer, alg);
  // findKey reloads the cached set on a miss, so a key created just now is published at once.
  await keys.findKey(issuer, active.kid);
}
