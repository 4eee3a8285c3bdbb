/**
 * Authenticated encryption of secrets at rest (private signing keys, zkimg commitments ...).
 *
 * - AES-256-GCM (NIST SP 800-38D) with a fresh random 96-bit IV per message; a 128-bit tag.
 * - One key per purpose, derived from the master key with HKDF-SHA-256 (RFC 5869, info = purpose),
 *   so a ciphertext sealed for one purpose cannot be opened as another, and a key leak through one
 *   purpose's code path does not expose the others. The purpose is also bound as GCM additional data.
 * - Versioned text format `v1.<base64url(iv || ciphertext || tag)>`, so that the algorithm or the
 *   master key can change later while old records stay readable.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// A fixed salt is fine: the master key is already uniformly random (RFC 5869 §3.1).
const HKDF_SALT = Buffer.from('identity-gateway/seal/v1');

export class SealError extends Error {
  override name = 'SealError';
}

export interface Sealer {
  seal(purpose: string, plaintext: Uint8Array | string): string;
  open(purpose: string, sealed: string): Buffer;
  /** `open` decoded as UTF-8. */
  openText(purpose: string, sealed: string): string;
}

export function createSealer(masterKey: Uint8Array): Sealer {
  if (masterKey.length !== 32) throw new SealError('master key must be 32 bytes');
  const keys = new Map<string, Buffer>();
  const keyFor = (purpose: string): Buffer => {
    if (purpose === '') throw new SealError('purpose is required');
    let key = keys.get(purpose);
    if (key === undefined) {
      key = Buffer.from(hkdfSync('sha256', masterKey, HKDF_SALT, `seal:${purpose}`, 32));
      keys.set(purpose, key);
    }
    return key;
  };
  const aad = (purpose: string) => Buffer.from(`${VERSION}|${purpose}`);

  const open = (purpose: string, sealed: string): Buffer => {
    const dot = sealed.indexOf('.');
    if (dot < 0 || sealed.slice(0, dot) !== VERSION) throw new SealError('unknown sealed format');
    const raw = Buffer.from(sealed.slice(dot + 1), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SealError('sealed value too short');
    const decipher = createDecipheriv('aes-256-gcm', keyFor(purpose), raw.subarray(0, IV_BYTES));
    decipher.setAAD(aad(purpose));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
    } catch {
      // Wrong purpose, wrong master key or tampering: GCM cannot tell them apart, nor should we.
      throw new SealError('sealed value failed authentication');
    }
  };

  return {
    seal(purpose, plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keyFor(purpose), iv);
      cipher.setAAD(aad(purpose));
      const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
      const body = Buffer.concat([cipher.update(data), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
    },
    open,
    openText: (purpose, sealed) => open(purpose, sealed).toString('utf8'),
  };
}
