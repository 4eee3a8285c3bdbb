/**
 * The hash of a LoginID transaction (seed 003 tx/init: txType, txPayload, nonce): SHA-256 of the
 * UTF-8 JSON array `[txType, txPayload, nonce]` (JSON.stringify of an array of strings is one
 * exact byte string, so it is a canonical encoding), base64url. The core's transaction ceremony
 * derives the WebAuthn challenge from it (webauthn/transaction-challenge.ts), and the confirmation
 * token carries it, so a relying party that knows the transaction recomputes and compares it.
 */
import { createHash } from 'node:crypto';

export interface Transaction {
  txType: string;
  txPayload: string;
  nonce: string;
}

export function txHashOf(tx: Transaction): string {
  return createHash('sha256').update(JSON.stringify([tx.txType, tx.txPayload, tx.nonce]), 'utf8').digest('base64url');
}
