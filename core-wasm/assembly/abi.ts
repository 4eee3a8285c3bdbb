// ABI version of the crypto core. The JS loader and the hot-swap holder refuse a module whose
// version differs from the one they were written for (core-wasm/README.md lists what version 1
// means: export names, argument order, return codes).
export const ABI_VERSION: i32 = 1;

export function abiVersion(): i32 {
  return ABI_VERSION;
}
