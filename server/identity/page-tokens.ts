/**
 * Opaque page tokens for listings: the position of the next page, sealed (AES-256-GCM,
 * secrets/seal.ts) together with what the listing is bound to (the tenant, the owner, the filters).
 * A client can neither read nor forge one, and a token of one tenant's listing opened for another
 * binding is refused, so it cannot be replayed to page through another tenant's records.
 */
import type { Sealer } from './secrets/seal.ts';
import { SealError } from './secrets/seal.ts';

const PURPOSE = 'page-token';

export function sealPageToken(sealer: Sealer, binding: string, position: unknown): string {
  return sealer.seal(PURPOSE, JSON.stringify({ b: binding, p: position }));
}

/** The position sealed in `token`, or null when the token is not one of ours or was made for another binding. */
export function openPageToken(sealer: Sealer, binding: string, token: string): unknown {
  let text: string;
  try {
    text = sealer.openText(PURPOSE, token);
  } catch (error) {
    if (error instanceof SealError) return null;
    throw error;
  }
  // Authenticated, so this is JSON we wrote.
  const parsed = JSON.parse(text) as { b?: unknown; p?: unknown };
  return parsed.b === binding ? (parsed.p ?? null) : null;
}
