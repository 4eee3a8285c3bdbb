/**
 * The relying party a gateway is (WebAuthn §5.4.2 `rp.id`; the origin checks of §7.1 and §7.2):
 * its RP ID is the host of PUBLIC_URL (a registrable domain suffix of the origin; here the host
 * itself, so credentials are scoped to exactly the gateway's host) and the only origin it accepts
 * in client data is PUBLIC_URL's origin. One RP for every tenant: a credential is still bound to
 * its tenant by the credential store, not by the RP ID.
 */
export interface RelyingParty {
  id: string;
  origin: string;
  /** Every origin client data may name (§7.1 step 9, §7.2 step 13), when more than `origin`. */
  origins?: string[];
}

export function relyingPartyOf(publicUrl: string): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, origin: url.origin };
}
