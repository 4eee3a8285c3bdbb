// The WASM crypto core: instantiates core.wasm and wraps its raw pointer ABI (CRYPTO-ABI,
// core-wasm/README.md) into the CryptoCore interface.
//
// Every call copies its arguments into the module's scratch region (`inputBuffer`), back to back,
// calls the primitive and copies the result out. The module validates lengths and values itself;
// this wrapper checks only what the module must trust for memory safety (types, fixed sizes, that
// `bits` and `errors` fit their buffers). Any trap (an `abort`, a failed memory.grow) is caught
// and answered as a failed verification: the module keeps no state between calls that a trap
// could leave half-written (each primitive resets what it uses), so the next call is unaffected.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hammingArgumentsValid, isBytes, prepareZkimgInput, zkimgParametersValid } from './input-checks.ts';
import type { CryptoCore, P256SignatureEncoding, ZkimgFailure, ZkimgInput, ZkimgResult } from './types.ts';

/** The module's exports, by ABI version 1. */
export const REQUIRED_EXPORTS = [
  'memory',
  'abiVersion',
  'inputBuffer',
  'sha256',
  'sha512',
  'hammingDistance',
  'ed25519Verify',
  'zkimgVerify',
  'zkimgErrorBits',
  'p256Verify',
] as const;

/** The built module, relative to this file (core-wasm/js -> core-wasm/build). */
export const DEFAULT_WASM_URL = new URL('../build/core.wasm', import.meta.url);

interface RawExports {
  memory: WebAssembly.Memory;
  abiVersion(): number;
  inputBuffer(len: number): number;
  sha256(ptr: number, len: number, out: number): void;
  sha512(ptr: number, len: number, out: number): void;
  hammingDistance(a: number, b: number, bits: number): number;
  ed25519Verify?(pk: number, msg: number, msgLen: number, sig: number): number;
  zkimgVerify?(Y: number, R: number, s: number, nonce: number, id: number, idLen: number, user: number, userLen: number, errors: number, n: number, r: number): number;
  zkimgErrorBits?(): number;
  p256Verify?(pk: number, pkLen: number, msg: number, msgLen: number, sig: number, sigLen: number, encoding: number): number;
}

export interface WasmCryptoCore extends CryptoCore {
  /** Exports of the module that this wrapper uses (missing ones only with `partial`). */
  readonly exports: readonly string[];
  /** Current size of the module's linear memory in bytes. */
  memoryBytes(): number;
}

export interface LoadOptions {
  /**
   * Accept a module that lacks some primitives (while the ed25519 and p256 parts are being
   * written): calling a missing primitive then throws. Never used by the hot-swap holder, which
   * requires the full ABI.
   */
  partial?: boolean;
}

// Module return codes of zkimgVerify (CRYPTO-ABI).
const ZKIMG_REASONS: Record<number, ZkimgFailure> = {
  1: 'bad-parameters',
  2: 'nonzero-padding-bits',
  3: 's-not-below-L',
  4: 'non-canonical-point',
  5: 'equation-failed',
};

async function readSource(source: Uint8Array | string | URL | undefined): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  return new Uint8Array(await readFile(source ?? DEFAULT_WASM_URL));
}

/** Loads a crypto core module. Rejects when it does not compile, instantiate, or lacks required exports. */
export async function loadWasmCore(source?: Uint8Array | string | URL, options: LoadOptions = {}): Promise<WasmCryptoCore> {
  const bytes = await readSource(source);
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const missing = REQUIRED_EXPORTS.filter((n) => !names.has(n));
  const essential = ['memory', 'abiVersion', 'inputBuffer'];
  if (missing.some((n) => essential.includes(n)) || (missing.length > 0 && !options.partial)) {
    throw new Error(`module lacks exports: ${missing.join(', ')}`);
  }
  const instance = await WebAssembly.instantiate(module, {
    env: {
      // AssemblyScript's `abort` (failed assertion, failed allocation): turned into an exception
      // that the wrapper catches.
      abort(_msg: number, _file: number, line: number, column: number): never {
        throw new Error(`crypto core aborted at ${line}:${column}`);
      },
    },
  });
  const version = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  return wrapExports(instance.exports as unknown as RawExports, version, REQUIRED_EXPORTS.filter((n) => names.has(n)));
}

function wrapExports(raw: RawExports, version: string, present: readonly string[]): WasmCryptoCore {
  const memory = raw.memory;
  let view = new Uint8Array(memory.buffer);
  const abi = raw.abiVersion();

  // Reserves `len` bytes of scratch and returns its offset; refreshes the view when memory grew
  // (a grown memory detaches the old ArrayBuffer).
  function reserve(len: number): number {
    const ptr = raw.inputBuffer(len) >>> 0;
    if (view.buffer !== memory.buffer) view = new Uint8Array(memory.buffer);
    return ptr;
  }

  function need<K extends keyof RawExports>(name: K): NonNullable<RawExports[K]> {
    const fn = raw[name];
    if (!fn) throw new Error(`${name} is not in this crypto core module`);
    return fn as NonNullable<RawExports[K]>;
  }

  function digest(fn: (p: number, l: number, o: number) => void, data: Uint8Array, size: number): Uint8Array {
    if (!isBytes(data)) throw new TypeError('expected Uint8Array');
    const ptr = reserve(data.length + size);
    view.set(data, ptr);
    fn(ptr, data.length, ptr + data.length);
    return view.slice(ptr + data.length, ptr + data.length + size);
  }

  return {
    name: 'wasm',
    version,
    abi,
    exports: present,
    memoryBytes: () => memory.buffer.byteLength,

    sha256: (data) => digest(raw.sha256, data, 32),
    sha512: (data) => digest(raw.sha512, data, 64),

    ed25519Verify(publicKey, message, signature) {
      const verify = need('ed25519Verify');
      if (!isBytes(publicKey) || !isBytes(message) || !isBytes(signature)) return false;
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      try {
        const ptr = reserve(96 + message.length);
        view.set(publicKey, ptr);
        view.set(signature, ptr + 32);
        view.set(message, ptr + 96);
        return verify(ptr, ptr + 96, message.length, ptr + 32) === 1;
      } catch {
        return false;
      }
    },

    p256Verify(publicKey, message, signature, encoding: P256SignatureEncoding) {
      const verify = need('p256Verify');
      if (!isBytes(publicKey) || !isBytes(message) || !isBytes(signature)) return false;
      if (encoding !== 'der' && encoding !== 'raw') return false;
      try {
        const ptr = reserve(publicKey.length + signature.length + message.length);
        const sigPtr = ptr + publicKey.length;
        const msgPtr = sigPtr + signature.length;
        view.set(publicKey, ptr);
        view.set(signature, sigPtr);
        view.set(message, msgPtr);
        return verify(ptr, publicKey.length, msgPtr, message.length, sigPtr, signature.length, encoding === 'der' ? 0 : 1) === 1;
      } catch {
        return false;
      }
    },

    hammingDistance(a, b, bits) {
      if (!hammingArgumentsValid(a, b, bits)) return -1;
      try {
        const bytes = (bits + 7) >>> 3;
        const ptr = reserve(2 * bytes);
        // Only the bytes that hold the first `bits` bits are copied (no view object when that is all).
        view.set(a.length === bytes ? a : a.subarray(0, bytes), ptr);
        view.set(b.length === bytes ? b : b.subarray(0, bytes), ptr + bytes);
        return raw.hammingDistance(ptr, ptr + bytes, bits);
      } catch {
        return -1;
      }
    },

    zkimgVerify(input: ZkimgInput): ZkimgResult {
      const verify = need('zkimgVerify');
      const errorBitsOf = need('zkimgErrorBits');
      const p = prepareZkimgInput(input);
      if (typeof p === 'string') return { ok: false, errorBits: 0, countBits: 0, reason: p };
      try {
        const ptr = reserve(128 + p.id.length + p.user.length + p.errors.length);
        view.set(p.Y, ptr);
        view.set(p.R, ptr + 32);
        view.set(p.s, ptr + 64);
        view.set(p.nonce, ptr + 96);
        const idPtr = ptr + 128;
        const userPtr = idPtr + p.id.length;
        const errorsPtr = userPtr + p.user.length;
        view.set(p.id, idPtr);
        view.set(p.user, userPtr);
        view.set(p.errors, errorsPtr);
        const code = verify(ptr, ptr + 32, ptr + 64, ptr + 96, idPtr, p.id.length, userPtr, p.user.length, errorsPtr, p.n, p.r);
        if (code === 1) return { ok: false, errorBits: 0, countBits: 0, reason: 'bad-parameters' };
        const errorBits = errorBitsOf();
        const countBits = zkimgParametersValid(p.n, p.r) ? 256 * p.r : 0;
        if (code === 0) return { ok: true, errorBits, countBits };
        return { ok: false, errorBits, countBits, reason: ZKIMG_REASONS[code] ?? 'malformed-input' };
      } catch {
        return { ok: false, errorBits: 0, countBits: 0, reason: 'malformed-input' };
      }
    },
  };
}
