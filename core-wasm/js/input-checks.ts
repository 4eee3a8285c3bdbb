// Argument checks shared by both cores, so that the WASM wrapper and the reference answer
// malformed input identically and never throw ("malformed input of any length returns
// false, or ok: false with a reason").
import type { ZkimgFailure } from './types.ts';

export function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}

/** `bits` is a non-negative integer that fits in both buffers and an i32 count. */
export function hammingArgumentsValid(a: unknown, b: unknown, bits: unknown): boolean {
  if (!isBytes(a) || !isBytes(b) || typeof bits !== 'number' || !Number.isInteger(bits)) return false;
  return bits >= 0 && bits <= 0x7fffffff && bits <= a.length * 8 && bits <= b.length * 8;
}

/** zkimg-1 "Template and code": n a multiple of 8 in [768, 1048576], r the largest odd with 256 r <= n. */
export function zkimgParametersValid(n: number, r: number): boolean {
  if (n % 8 !== 0 || n < 768 || n > 1048576) return false;
  let expected = Math.floor(n / 256);
  if (expected % 2 === 0) expected -= 1;
  return r === expected;
}

function isU32(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
}

const utf8 = new TextEncoder();

export interface ZkimgPrepared {
  Y: Uint8Array;
  R: Uint8Array;
  s: Uint8Array;
  nonce: Uint8Array;
  id: Uint8Array;
  user: Uint8Array;
  errors: Uint8Array;
  n: number;
  r: number;
}

/**
 * Checks what the module cannot check itself (types, fixed lengths, and that `errors` really is
 * n / 8 bytes, which the module must trust for memory safety). Returns the prepared arguments, or
 * the failure: 'bad-parameters' when n or r are wrong (the module's code 1, so both cores say the
 * same), 'malformed-input' otherwise.
 */
export function prepareZkimgInput(input: unknown): ZkimgPrepared | ZkimgFailure {
  if (typeof input !== 'object' || input === null) return 'malformed-input';
  const x = input as Record<string, unknown>;
  const { Y, R, s, nonce, challengeId, username, errors, n, r } = x;
  if (!isBytes(Y) || !isBytes(R) || !isBytes(s) || !isBytes(nonce) || !isBytes(errors)) return 'malformed-input';
  if (Y.length !== 32 || R.length !== 32 || s.length !== 32 || nonce.length !== 32) return 'malformed-input';
  if (typeof challengeId !== 'string' || typeof username !== 'string') return 'malformed-input';
  if (!isU32(n) || !isU32(r)) return 'malformed-input';
  if (errors.length * 8 !== n) return zkimgParametersValid(n, r) ? 'malformed-input' : 'bad-parameters';
  return { Y, R, s, nonce, id: utf8.encode(challengeId), user: utf8.encode(username), errors, n, r };
}
