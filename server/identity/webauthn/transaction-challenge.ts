/**
 * The challenge of a transaction confirmation commits to the transaction: the assertion signs the
 * client data, which carries the challenge (WebAuthn §7.2 steps 19-20), so the signature proves the
 * user confirmed exactly what the transaction's hash names.
 *
 * challenge = SHA-256("webauthn-tx-v1" || 0x00 || hash bytes || salt), salt 16 random bytes: it
 * stays unpredictable and unique per ceremony (§13.4.3) even when the same transaction is
 * confirmed twice. The hash (SHA-256, base64url) is the caller's canonical digest of its
 * transaction, kept with the pending ceremony (ceremonies.ts).
 */
import { createHash, randomBytes } from 'node:crypto';

export function transactionChallenge(hash: string, salt: Uint8Array = randomBytes(16)): Uint8Array<ArrayBuffer> {
  const h = createHash('sha256');
  h.update('webauthn-tx-v1\u0000', 'utf8');
  h.update(Buffer.from(hash, 'base64url'));
  h.update(salt);
  return new Uint8Array(h.digest());
}
