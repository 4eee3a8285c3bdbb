// Types of zkimg-browser.js (a plain ES module the browser loads as is), for the TypeScript side.
export declare const L: bigint;
export declare const PROTO_VERSION: 'zkimg-1';
export declare const ALGORITHM_VERSION: string;
export declare const TEMPLATE_DIM: [number, number];
export declare const PIN_ITERATIONS: number;
export declare function b64u(bytes: Uint8Array): string;
export declare function fromB64u(s: string): Uint8Array;
export declare function deriveCipherKey(pin: string, tenantId: string, username: string, iterations?: number): Promise<string>;
export declare function templateFromRgba(rgba: ArrayLike<number>, width: number, height: number): Uint8Array;
export declare function repetitionFactor(n: number): number;
export declare function berPercent(errorBits: number, m: number): string;
export declare function enrol(input: {
  template: Uint8Array;
  dim?: [number, number];
  alg?: string;
  cipherKey: string;
  tenantId: string;
  username: string;
}): Promise<{ encrypted_commitment: string; proto_version: 'zkimg-1' }>;
export declare function prove(input: { challengeData: string; template: Uint8Array; username: string; cipherKey: string }): Promise<{
  username: string;
  cipherKey: string;
  challenge_id: string;
  challenge_data: string;
  ber: { ber: { count_bits: number; error_bits: number; BER_PERCENT: string }; image_dim: [number, number]; algorithm_version: string };
}>;
