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

// FIPS 180-4 §4.1.2 functions. `choose` and `majority` use the usual equivalent forms with
// one operation fewer.
// @ts-ignore: decorator
@inline function choose(e: u32, f: u32, g: u32): u32 { return g ^ (e & (f ^ g)); }
// @ts-ignore: decorator
@inline function majority(a: u32, b: u32, c: u32): u32 { return (a & b) | (c & (a | b)); }
// @ts-ignore: decorator
@inline function bigSigma0(x: u32): u32 { return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22); }
// @ts-ignore: decorator
@inline function bigSigma1(x: u32): u32 { return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25); }
// @ts-ignore: decorator
@inline function smallSigma0(x: u32): u32 { return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3); }
// @ts-ignore: decorator
@inline function smallSigma1(x: u32): u32 { return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10); }

// Compresses one 64-byte block at `p` into the state (FIPS 180-4 §6.2.2).
// For speed the 64 rounds run as 4 groups of 16 unrolled rounds: the message schedule is a
// sliding window of 16 locals (w0..w15 hold W[t..t+15] of the current group, updated in place
// before each later group), and instead of shifting a..h each round the roles of the eight
// variables rotate through the 16 written-out rounds (8 rounds bring them back to their names).
function compress(p: usize): void {
  let w0 = bswap<u32>(load<u32>(p, 0));
  let w1 = bswap<u32>(load<u32>(p, 4));
  let w2 = bswap<u32>(load<u32>(p, 8));
  let w3 = bswap<u32>(load<u32>(p, 12));
  let w4 = bswap<u32>(load<u32>(p, 16));
  let w5 = bswap<u32>(load<u32>(p, 20));
  let w6 = bswap<u32>(load<u32>(p, 24));
  let w7 = bswap<u32>(load<u32>(p, 28));
  let w8 = bswap<u32>(load<u32>(p, 32));
  let w9 = bswap<u32>(load<u32>(p, 36));
  let w10 = bswap<u32>(load<u32>(p, 40));
  let w11 = bswap<u32>(load<u32>(p, 44));
  let w12 = bswap<u32>(load<u32>(p, 48));
  let w13 = bswap<u32>(load<u32>(p, 52));
  let w14 = bswap<u32>(load<u32>(p, 56));
  let w15 = bswap<u32>(load<u32>(p, 60));
  let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
  let t: u32;
  for (let group: usize = 0; group < 4; group++) {
    if (group > 0) {
      w0 += smallSigma0(w1) + w9 + smallSigma1(w14);
      w1 += smallSigma0(w2) + w10 + smallSigma1(w15);
      w2 += smallSigma0(w3) + w11 + smallSigma1(w0);
      w3 += smallSigma0(w4) + w12 + smallSigma1(w1);
      w4 += smallSigma0(w5) + w13 + smallSigma1(w2);
      w5 += smallSigma0(w6) + w14 + smallSigma1(w3);
      w6 += smallSigma0(w7) + w15 + smallSigma1(w4);
      w7 += smallSigma0(w8) + w0 + smallSigma1(w5);
      w8 += smallSigma0(w9) + w1 + smallSigma1(w6);
      w9 += smallSigma0(w10) + w2 + smallSigma1(w7);
      w10 += smallSigma0(w11) + w3 + smallSigma1(w8);
      w11 += smallSigma0(w12) + w4 + smallSigma1(w9);
      w12 += smallSigma0(w13) + w5 + smallSigma1(w10);
      w13 += smallSigma0(w14) + w6 + smallSigma1(w11);
      w14 += smallSigma0(w15) + w7 + smallSigma1(w12);
      w15 += smallSigma0(w0) + w8 + smallSigma1(w13);
    }
    const k = K + (group << 6);
    t = h + bigSigma1(e) + choose(e, f, g) + load<u32>(k, 0) + w0; d += t; h = t + bigSigma0(a) + majority(a, b, c);
    t = g + bigSigma1(d) + choose(d, e, f) + load<u32>(k, 4) + w1; c += t; g = t + bigSigma0(h) + majority(h, a, b);
    t = f + bigSigma1(c) + choose(c, d, e) + load<u32>(k, 8) + w2; b += t; f = t + bigSigma0(g) + majority(g, h, a);
    t = e + bigSigma1(b) + choose(b, c, d) + load<u32>(k, 12) + w3; a += t; e = t + bigSigma0(f) + majority(f, g, h);
    t = d + bigSigma1(a) + choose(a, b, c) + load<u32>(k, 16) + w4; h += t; d = t + bigSigma0(e) + majority(e, f, g);
    t = c + bigSigma1(h) + choose(h, a, b) + load<u32>(k, 20) + w5; g += t; c = t + bigSigma0(d) + majority(d, e, f);
    t = b + bigSigma1(g) + choose(g, h, a) + load<u32>(k, 24) + w6; f += t; b = t + bigSigma0(c) + majority(c, d, e);
    t = a + bigSigma1(f) + choose(f, g, h) + load<u32>(k, 28) + w7; e += t; a = t + bigSigma0(b) + majority(b, c, d);
    t = h + bigSigma1(e) + choose(e, f, g) + load<u32>(k, 32) + w8; d += t; h = t + bigSigma0(a) + majority(a, b, c);
    t = g + bigSigma1(d) + choose(d, e, f) + load<u32>(k, 36) + w9; c += t; g = t + bigSigma0(h) + majority(h, a, b);
    t = f + bigSigma1(c) + choose(c, d, e) + load<u32>(k, 40) + w10; b += t; f = t + bigSigma0(g) + majority(g, h, a);
    t = e + bigSigma1(b) + choose(b, c, d) + load<u32>(k, 44) + w11; a += t; e = t + bigSigma0(f) + majority(f, g, h);
    t = d + bigSigma1(a) + choose(a, b, c) + load<u32>(k, 48) + w12; h += t; d = t + bigSigma0(e) + majority(e, f, g);
    t = c + bigSigma1(h) + choose(h, a, b) + load<u32>(k, 52) + w13; g += t; c = t + bigSigma0(d) + majority(d, e, f);
    t = b + bigSigma1(g) + choose(g, h, a) + load<u32>(k, 56) + w14; f += t; b = t + bigSigma0(c) + majority(c, d, e);
    t = a + bigSigma1(f) + choose(f, g, h) + load<u32>(k, 60) + w15; e += t; a = t + bigSigma0(b) + majority(b, c, d);
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
