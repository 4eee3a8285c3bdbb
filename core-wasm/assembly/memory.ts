// Scratch input region shared by every call from JS.
//
// The module is built with `--runtime stub`, whose allocator never frees. So the region is
// allocated once and only replaced when a caller needs more than it holds; the new capacity is
// at least double the old, so the abandoned regions sum to less than the live one and memory
// stays flat once the largest input size has been seen (1,000,000 calls of one size: one
// allocation). The JS side copies all arguments of one call here, back to back, and passes
// pointers inside it; nothing in the module keeps a pointer into it across calls.

let scratchPtr: usize = 0;
let scratchCap: usize = 0;

// Smallest region handed out: covers every fixed-size verification (keys, signatures, a
// JWT-sized message) without a second allocation.
const MIN_CAPACITY: usize = 64 * 1024;

export function inputBuffer(len: usize): usize {
  // The first call always allocates, so even a zero-length request gets a real region (never 0).
  if (scratchCap != 0 && len <= scratchCap) return scratchPtr;
  let cap = scratchCap << 1;
  if (cap < MIN_CAPACITY) cap = MIN_CAPACITY;
  if (cap < len) cap = len;
  // Round to 16 bytes so SIMD loads from the start of any argument stay inside the region.
  cap = (cap + 15) & ~(<usize>15);
  scratchPtr = heap.alloc(cap);
  scratchCap = cap;
  return scratchPtr;
}
