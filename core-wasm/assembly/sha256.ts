// SHA-256, FIPS 180-4 §6.2. No secrets flow through here in verification (messages, public
// keys and signatures are public), so the code is written for speed, not constant time.
//
// Two interfaces:
// - the export `sha256(ptr, len, out)`: one-shot digest of `len` bytes at `ptr` into `out` (32 bytes);
// - `sha256Reset / sha256Update / sha256Final`: incremental hashing with module state, for the
//   other parts of the module (P-256 hashes the message, zkimg-1 hashes `errors`). One hash at a
//   time: a Reset starts over and discards any unfinished one.
// Nothing is allocated per call: the state lives in globals, the partial block in static memory
// reserved once, and the message schedule in locals.

// FIPS 180-4 §4.2.2 round constants K[0..63] are the hexadecimal immediates in `compress`.
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
// Written out in full for speed (+23 % over a loop of 4 groups of 16 written-out rounds, which was
// +30 % over a plain round loop; best of 60 runs on 64 KiB, Node 20): the round constants K[t] become immediates, the message
// schedule is a sliding window of 16 locals (w{t mod 16} holds W[t], updated in place from round 16
// on), and instead of shifting a..h every round the roles of the eight variables rotate
// (8 rounds bring them back to their names).
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
  t = h + bigSigma1(e) + choose(e, f, g) + 0x428a2f98 + w0; d += t; h = t + bigSigma0(a) + majority(a, b, c);
  t = g + bigSigma1(d) + choose(d, e, f) + 0x71374491 + w1; c += t; g = t + bigSigma0(h) + majority(h, a, b);
  t = f + bigSigma1(c) + choose(c, d, e) + 0xb5c0fbcf + w2; b += t; f = t + bigSigma0(g) + majority(g, h, a);
  t = e + bigSigma1(b) + choose(b, c, d) + 0xe9b5dba5 + w3; a += t; e = t + bigSigma0(f) + majority(f, g, h);
  t = d + bigSigma1(a) + choose(a, b, c) + 0x3956c25b + w4; h += t; d = t + bigSigma0(e) + majority(e, f, g);
  t = c + bigSigma1(h) + choose(h, a, b) + 0x59f111f1 + w5; g += t; c = t + bigSigma0(d) + majority(d, e, f);
  t = b + bigSigma1(g) + choose(g, h, a) + 0x923f82a4 + w6; f += t; b = t + bigSigma0(c) + majority(c, d, e);
  t = a + bigSigma1(f) + choose(f, g, h) + 0xab1c5ed5 + w7; e += t; a = t + bigSigma0(b) + majority(b, c, d);
  t = h + bigSigma1(e) + choose(e, f, g) + 0xd807aa98 + w8; d += t; h = t + bigSigma0(a) + majority(a, b, c);
  t = g + bigSigma1(d) + choose(d, e, f) + 0x12835b01 + w9; c += t; g = t + bigSigma0(h) + majority(h, a, b);
  t = f + bigSigma1(c) + choose(c, d, e) + 0x243185be + w10; b += t; f = t + bigSigma0(g) + majority(g, h, a);
  t = e + bigSigma1(b) + choose(b, c, d) + 0x550c7dc3 + w11; a += t; e = t + bigSigma0(f) + majority(f, g, h);
  t = d + bigSigma1(a) + choose(a, b, c) + 0x72be5d74 + w12; h += t; d = t + bigSigma0(e) + majority(e, f, g);
  t = c + bigSigma1(h) + choose(h, a, b) + 0x80deb1fe + w13; g += t; c = t + bigSigma0(d) + majority(d, e, f);
  t = b + bigSigma1(g) + choose(g, h, a) + 0x9bdc06a7 + w14; f += t; b = t + bigSigma0(c) + majority(c, d, e);
  t = a + bigSigma1(f) + choose(f, g, h) + 0xc19bf174 + w15; e += t; a = t + bigSigma0(b) + majority(b, c, d);
  // W[16..31]
  w0 += smallSigma0(w1) + w9 + smallSigma1(w14);
  t = h + bigSigma1(e) + choose(e, f, g) + 0xe49b69c1 + w0; d += t; h = t + bigSigma0(a) + majority(a, b, c);
  w1 += smallSigma0(w2) + w10 + smallSigma1(w15);
  t = g + bigSigma1(d) + choose(d, e, f) + 0xefbe4786 + w1; c += t; g = t + bigSigma0(h) + majority(h, a, b);
  w2 += smallSigma0(w3) + w11 + smallSigma1(w0);
  t = f + bigSigma1(c) + choose(c, d, e) + 0x0fc19dc6 + w2; b += t; f = t + bigSigma0(g) + majority(g, h, a);
  w3 += smallSigma0(w4) + w12 + smallSigma1(w1);
  t = e + bigSigma1(b) + choose(b, c, d) + 0x240ca1cc + w3; a += t; e = t + bigSigma0(f) + majority(f, g, h);
  w4 += smallSigma0(w5) + w13 + smallSigma1(w2);
  t = d + bigSigma1(a) + choose(a, b, c) + 0x2de92c6f + w4; h += t; d = t + bigSigma0(e) + majority(e, f, g);
  w5 += smallSigma0(w6) + w14 + smallSigma1(w3);
  t = c + bigSigma1(h) + choose(h, a, b) + 0x4a7484aa + w5; g += t; c = t + bigSigma0(d) + majority(d, e, f);
  w6 += smallSigma0(w7) + w15 + smallSigma1(w4);
  t = b + bigSigma1(g) + choose(g, h, a) + 0x5cb0a9dc + w6; f += t; b = t + bigSigma0(c) + majority(c, d, e);
  w7 += smallSigma0(w8) + w0 + smallSigma1(w5);
  t = a + bigSigma1(f) + choose(f, g, h) + 0x76f988da + w7; e += t; a = t + bigSigma0(b) + majority(b, c, d);
  w8 += smallSigma0(w9) + w1 + smallSigma1(w6);
  t = h + bigSigma1(e) + choose(e, f, g) + 0x983e5152 + w8; d += t; h = t + bigSigma0(a) + majority(a, b, c);
  w9 += smallSigma0(w10) + w2 + smallSigma1(w7);
  t = g + bigSigma1(d) + choose(d, e, f) + 0xa831c66d + w9; c += t; g = t + bigSigma0(h) + majority(h, a, b);
  w10 += smallSigma0(w11) + w3 + smallSigma1(w8);
  t = f + bigSigma1(c) + choose(c, d, e) + 0xb00327c8 + w10; b += t; f = t + bigSigma0(g) + majority(g, h, a);
  w11 += smallSigma0(w12) + w4 + smallSigma1(w9);
  t = e + bigSigma1(b) + choose(b, c, d) + 0xbf597fc7 + w11; a += t; e = t + bigSigma0(f) + majority(f, g, h);
  w12 += smallSigma0(w13) + w5 + smallSigma1(w10);
  t = d + bigSigma1(a) + choose(a, b, c) + 0xc6e00bf3 + w12; h += t; d = t + bigSigma0(e) + majority(e, f, g);
  w13 += smallSigma0(w14) + w6 + smallSigma1(w11);
  t = c + bigSigma1(h) + choose(h, a, b) + 0xd5a79147 + w13; g += t; c = t + bigSigma0(d) + majority(d, e, f);
  w14 += smallSigma0(w15) + w7 + smallSigma1(w12);
  t = b + bigSigma1(g) + choose(g, h, a) + 0x06ca6351 + w14; f += t; b = t + bigSigma0(c) + majority(c, d, e);
  w15 += smallSigma0(w0) + w8 + smallSigma1(w13);
  t = a + bigSigma1(f) + choose(f, g, h) + 0x14292967 + w15; e += t; a = t + bigSigma0(b) + majority(b, c, d);
  // W[32..47]
  w0 += smallSigma0(w1) + w9 + smallSigma1(w14);
  t = h + bigSigma1(e) + choose(e, f, g) + 0x27b70a85 + w0; d += t; h = t + bigSigma0(a) + majority(a, b, c);
  w1 += smallSigma0(w2) + w10 + smallSigma1(w15);
  t = g + bigSigma1(d) + choose(d, e, f) + 0x2e1b2138 + w1; c += t; g = t + bigSigma0(h) + majority(h, a, b);
  w2 += smallSigma0(w3) + w11 + smallSigma1(w0);
  t = f + bigSigma1(c) + choose(c, d, e) + 0x4d2c6dfc + w2; b += t; f = t + bigSigma0(g) + majority(g, h, a);
  w3 += smallSigma0(w4) + w12 + smallSigma1(w1);
  t = e + bigSigma1(b) + choose(b, c, d) + 0x53380d13 + w3; a += t; e = t + bigSigma0(f) + majority(f, g, h);
  w4 += smallSigma0(w5) + w13 + smallSigma1(w2);
  t = d + bigSigma1(a) + choose(a, b, c) + 0x650a7354 + w4; h += t; d = t + bigSigma0(e) + majority(e, f, g);
  w5 += smallSigma0(w6) + w14 + smallSigma1(w3);
  t = c + bigSigma1(h) + choose(h, a, b) + 0x766a0abb + w5; g += t; c = t + bigSigma0(d) + majority(d, e, f);
  w6 += smallSigma0(w7) + w15 + smallSigma1(w4);
  t = b + bigSigma1(g) + choose(g, h, a) + 0x81c2c92e + w6; f += t; b = t + bigSigma0(c) + majority(c, d, e);
  w7 += smallSigma0(w8) + w0 + smallSigma1(w5);
  t = a + bigSigma1(f) + choose(f, g, h) + 0x92722c85 + w7; e += t; a = t + bigSigma0(b) + majority(b, c, d);
  w8 += smallSigma0(w9) + w1 + smallSigma1(w6);
  t = h + bigSigma1(e) + choose(e, f, g) + 0xa2bfe8a1 + w8; d += t; h = t + bigSigma0(a) + majority(a, b, c);
  w9 += smallSigma0(w10) + w2 + smallSigma1(w7);
  t = g + bigSigma1(d) + choose(d, e, f) + 0xa81a664b + w9; c += t; g = t + bigSigma0(h) + majority(h, a, b);
  w10 += smallSigma0(w11) + w3 + smallSigma1(w8);
  t = f + bigSigma1(c) + choose(c, d, e) + 0xc24b8b70 + w10; b += t; f = t + bigSigma0(g) + majority(g, h, a);
  w11 += smallSigma0(w12) + w4 + smallSigma1(w9);
  t = e + bigSigma1(b) + choose(b, c, d) + 0xc76c51a3 + w11; a += t; e = t + bigSigma0(f) + majority(f, g, h);
  w12 += smallSigma0(w13) + w5 + smallSigma1(w10);
  t = d + bigSigma1(a) + choose(a, b, c) + 0xd192e819 + w12; h += t; d = t + bigSigma0(e) + majority(e, f, g);
  w13 += smallSigma0(w14) + w6 + smallSigma1(w11);
  t = c + bigSigma1(h) + choose(h, a, b) + 0xd6990624 + w13; g += t; c = t + bigSigma0(d) + majority(d, e, f);
  w14 += smallSigma0(w15) + w7 + smallSigma1(w12);
  t = b + bigSigma1(g) + choose(g, h, a) + 0xf40e3585 + w14; f += t; b = t + bigSigma0(c) + majority(c, d, e);
  w15 += smallSigma0(w0) + w8 + smallSigma1(w13);
  t = a + bigSigma1(f) + choose(f, g, h) + 0x106aa070 + w15; e += t; a = t + bigSigma0(b) + majority(b, c, d);
  // W[48..63]
  w0 += smallSigma0(w1) + w9 + smallSigma1(w14);
  t = h + bigSigma1(e) + choose(e, f, g) + 0x19a4c116 + w0; d += t; h = t + bigSigma0(a) + majority(a, b, c);
  w1 += smallSigma0(w2) + w10 + smallSigma1(w15);
  t = g + bigSigma1(d) + choose(d, e, f) + 0x1e376c08 + w1; c += t; g = t + bigSigma0(h) + majority(h, a, b);
  w2 += smallSigma0(w3) + w11 + smallSigma1(w0);
  t = f + bigSigma1(c) + choose(c, d, e) + 0x2748774c + w2; b += t; f = t + bigSigma0(g) + majority(g, h, a);
  w3 += smallSigma0(w4) + w12 + smallSigma1(w1);
  t = e + bigSigma1(b) + choose(b, c, d) + 0x34b0bcb5 + w3; a += t; e = t + bigSigma0(f) + majority(f, g, h);
  w4 += smallSigma0(w5) + w13 + smallSigma1(w2);
  t = d + bigSigma1(a) + choose(a, b, c) + 0x391c0cb3 + w4; h += t; d = t + bigSigma0(e) + majority(e, f, g);
  w5 += smallSigma0(w6) + w14 + smallSigma1(w3);
  t = c + bigSigma1(h) + choose(h, a, b) + 0x4ed8aa4a + w5; g += t; c = t + bigSigma0(d) + majority(d, e, f);
  w6 += smallSigma0(w7) + w15 + smallSigma1(w4);
  t = b + bigSigma1(g) + choose(g, h, a) + 0x5b9cca4f + w6; f += t; b = t + bigSigma0(c) + majority(c, d, e);
  w7 += smallSigma0(w8) + w0 + smallSigma1(w5);
  t = a + bigSigma1(f) + choose(f, g, h) + 0x682e6ff3 + w7; e += t; a = t + bigSigma0(b) + majority(b, c, d);
  w8 += smallSigma0(w9) + w1 + smallSigma1(w6);
  t = h + bigSigma1(e) + choose(e, f, g) + 0x748f82ee + w8; d += t; h = t + bigSigma0(a) + majority(a, b, c);
  w9 += smallSigma0(w10) + w2 + smallSigma1(w7);
  t = g + bigSigma1(d) + choose(d, e, f) + 0x78a5636f + w9; c += t; g = t + bigSigma0(h) + majority(h, a, b);
  w10 += smallSigma0(w11) + w3 + smallSigma1(w8);
  t = f + bigSigma1(c) + choose(c, d, e) + 0x84c87814 + w10; b += t; f = t + bigSigma0(g) + majority(g, h, a);
  w11 += smallSigma0(w12) + w4 + smallSigma1(w9);
  t = e + bigSigma1(b) + choose(b, c, d) + 0x8cc70208 + w11; a += t; e = t + bigSigma0(f) + majority(f, g, h);
  w12 += smallSigma0(w13) + w5 + smallSigma1(w10);
  t = d + bigSigma1(a) + choose(a, b, c) + 0x90befffa + w12; h += t; d = t + bigSigma0(e) + majority(e, f, g);
  w13 += smallSigma0(w14) + w6 + smallSigma1(w11);
  t = c + bigSigma1(h) + choose(h, a, b) + 0xa4506ceb + w13; g += t; c = t + bigSigma0(d) + majority(d, e, f);
  w14 += smallSigma0(w15) + w7 + smallSigma1(w12);
  t = b + bigSigma1(g) + choose(g, h, a) + 0xbef9a3f7 + w14; f += t; b = t + bigSigma0(c) + majority(c, d, e);
  w15 += smallSigma0(w0) + w8 + smallSigma1(w13);
  t = a + bigSigma1(f) + choose(f, g, h) + 0xc67178f2 + w15; e += t; a = t + bigSigma0(b) + majority(b, c, d);
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
