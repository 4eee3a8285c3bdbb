// The one interface every caller of the crypto core uses (core-wasm/README.md). Two implementations:
// the WASM core (wasm-core.ts) and the @noble reference core (reference-core.ts).

/** zkimg-1 verification steps 3 and 5 (docs/zkimg-1.md). */
export interface ZkimgInput {
  /** Enrolled public key Y = x * B, 32-byte RFC 8032 encoding. */
  Y: Uint8Array;
  /** Proof commitment R = t * B, 32 bytes. */
  R: Uint8Array;
  /** Proof response s (32-byte little-endian scalar, must be < L). */
  s: Uint8Array;
  /** The challenge nonce, 32 bytes. */
  nonce: Uint8Array;
  /** The challenge id (UUID string), hashed as UTF-8. */
  challengeId: string;
  /** The username, hashed as UTF-8. */
  username: string;
  /** The reported error pattern, exactly n / 8 bytes, zero from bit m = 256 * r on. */
  errors: Uint8Array;
  /** Template size in bits. */
  n: number;
  /** Repetition factor: the largest odd r with 256 * r <= n. */
  r: number;
}

/**
 * Why a zkimg-1 check failed. The first five are the module's return codes 1..5 (CRYPTO-ABI);
 * `malformed-input` is found by the JS wrapper before the module is called (wrong types, wrong
 * fixed lengths, `errors` not n / 8 bytes).
 */
export type ZkimgFailure =
  | 'malformed-input'
  | 'bad-parameters'
  | 'nonzero-padding-bits'
  | 's-not-below-L'
  | 'non-canonical-point'
  | 'equation-failed';

export interface ZkimgResult {
  ok: boolean;
  /** popcount(errors) over all n bits; 0 when the lengths or parameters were invalid. */
  errorBits: number;
  /** m = 256 * r; 0 when the parameters were invalid. */
  countBits: number;
  reason?: ZkimgFailure;
}

export type P256SignatureEncoding = 'der' | 'raw';

export interface CryptoCore {
  /** 'wasm' or 'reference'. */
  readonly name: string;
  /** Identifies the implementation: for WASM the first 16 hex digits of SHA-256(module bytes). */
  readonly version: string;
  /** ABI version (core-wasm/README.md). */
  readonly abi: number;
  sha256(data: Uint8Array): Uint8Array;
  sha512(data: Uint8Array): Uint8Array;
  /** Strict RFC 8032 Ed25519 (noble `zip215: false` decoding, small-order A rejected, cofactorless equation). */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** ECDSA P-256 over SHA-256(message); key SEC1 compressed or uncompressed; low-S and high-S accepted. */
  p256Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, encoding: P256SignatureEncoding): boolean;
  /** Differing bits among the first `bits` bits (MSB-first); -1 when `bits` exceeds either buffer or is not a non-negative integer. */
  hammingDistance(a: Uint8Array, b: Uint8Array, bits: number): number;
  zkimgVerify(input: ZkimgInput): ZkimgResult;
}

/** ABI version this JS side was written for. */
export const ABI_VERSION = 1;
