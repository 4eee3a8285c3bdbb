// SHA-256, FIPS 180-4 §6.2. No secrets flow through here in verification (messages, public
// keys and signatures are public), so the code is written for speed, not constant time.
//
// Two interfaces:
// - the export `sha256(ptr, len, out)`: one-shot digest of `len` bytes at `ptr` into `out` (32 bytes);
// - `sha256Reset / sha256Update / sha256Final`: incremental hashing with module state, for the
//   other parts of the module (P-256 hashes the message, zkimg-1 hashes `errors`). One hash at a
//   time: a Reset starts over and discards any unfinished one.
// Nothing is allocated per call: the state, the partial block and the message schedule live in
// static memory reserved once.

// FIPS 180-4 §4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const W: usize = memory.data(64 * 4); // message schedule
const BLOCK: usize = memory.data(64); // partial block awaiting more input

let h0: u32 = 0;
let h1: u32 = 0;
let h2: u32 = 0;
let h3: u32 = 0;
let h4: u32 = 0;
let h5: u32 = 0;
let h6: u32 = 0;
let h7: u32 = 0;
let blockLen: usize = 0; // bytes held in BLOCK
let totalLen: u64 = 0; // bytes hashed so far

// Compresses one 64-byte block at `p` into the state (FIPS 180-4 §6.2.2).
function compress(p: usize): void {
  for (let t: usize = 0; t < 16; t++) {
    store<u32>(W + (t << 2), bswap<u32>(load<u32>(p + (t << 2))));
  }
  for (let t: usize = 16; t < 64; t++) {
    const w15 = load<u32>(W + ((t - 15) << 2));
    const w2 = load<u32>(W + ((t - 2) << 2));
    const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    store<u32>(W + (t << 2), load<u32>(W + ((t - 16) << 2)) + s0 + load<u32>(W + ((t - 7) << 2)) + s1);
  }
  let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
  for (let t: usize = 0; t < 64; t++) {
    const S1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = h + S1 + ch + load<u32>(K + (t << 2)) + load<u32>(W + (t << 2));
    const S0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = S0 + maj;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h0 += a; h1 += b; h2 += c; h3 += d; h4 += e; h5 += f; h6 += g; h7 += h;
}

export function sha256Reset(): void {
  // FIPS 180-4 §5.3.3 initial hash value.
  h0 = 0x6a09e667; h1 = 0xbb67ae85; h2 = 0x3c6ef372; h3 = 0xa54ff53a;
  h4 = 0x510e527f; h5 = 0x9b05688c; h6 = 0x1f83d9ab; h7 = 0x5be0cd19;
  blockLen = 0;
  totalLen = 0;
}

export function sha256Update(ptr: usize, len: usize): void {
  totalLen += <u64>len;
  if (blockLen > 0) {
    const take = min<usize>(64 - blockLen, len);
    memory.copy(BLOCK + blockLen, ptr, take);
    blockLen += take;
    ptr += take;
    len -= take;
    if (blockLen < 64) return;
    compress(BLOCK);
    blockLen = 0;
  }
  // Whole blocks straight from the input, without copying.
  while (len >= 64) {
    compress(ptr);
    ptr += 64;
    len -= 64;
  }
  if (len > 0) {
    memory.copy(BLOCK, ptr, len);
    blockLen = len;
  }
}

export function sha256Final(out: usize): void {
  // FIPS 180-4 §5.1.1 padding: 0x80, zeros, then the bit length as a 64-bit big-endian integer.
  const bitLen = totalLen << 3;
  store<u8>(BLOCK + blockLen, 0x80);
  blockLen++;
  if (blockLen > 56) {
    memory.fill(BLOCK + blockLen, 0, 64 - blockLen);
    compress(BLOCK);
    blockLen = 0;
  }
  memory.fill(BLOCK + blockLen, 0, 56 - blockLen);
  store<u64>(BLOCK + 56, bswap<u64>(bitLen));
  compress(BLOCK);
  store<u32>(out, bswap<u32>(h0));
  store<u32>(out + 4, bswap<u32>(h1));
  store<u32>(out + 8, bswap<u32>(h2));
  store<u32>(out + 12, bswap<u32>(h3));
  store<u32>(out + 16, bswap<u32>(h4));
  store<u32>(out + 20, bswap<u32>(h5));
  store<u32>(out + 24, bswap<u32>(h6));
  store<u32>(out + 28, bswap<u32>(h7));
  blockLen = 0;
}

// One-shot digest, exported to JS.
export function sha256(ptr: usize, len: usize, out: usize): void {
  sha256Reset();
  sha256Update(ptr, len);
  sha256Final(out);
}
