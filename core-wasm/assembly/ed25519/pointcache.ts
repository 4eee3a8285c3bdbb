// A small cache of decoded public points. A gateway verifies many signatures under few keys (the
// issuers' JWT keys, a user's enrolled zkimg-1 Y), and decoding a point (a square root, about 255
// squarings) plus building its table of odd multiples costs about a tenth of a verification. So
// the last few keys are kept decoded, in static memory (no allocation), direct-mapped by a hash
// of the encoding and compared on all 32 bytes. The cached value is a pure function of the
// encoding, so a hit gives exactly what decoding again would. Public keys are public: that a
// lookup hits or misses reveals nothing secret.

import { geDecode, geIsSmallOrder, geNeg, P3_SIZE } from './group';
import { buildPointTable, POINT_TABLE_SIZE } from './scalarmult';

const ENTRIES: usize = 8;
const ENCODINGS: usize = memory.data(<i32>(ENTRIES * 32), 8);
const FILLED: usize = memory.data(<i32>ENTRIES, 8); //    1 when the slot holds a decoded point
const SMALL: usize = memory.data(<i32>ENTRIES, 8); //     1 when that point has small order
const TABLES: usize = memory.data(<i32>(ENTRIES * POINT_TABLE_SIZE), 8);
const POINT: usize = memory.data(<i32>P3_SIZE, 8);

let smallOrder = false;

// True when the point of the last successful negatedPointTable call has small order ([8]P = 0).
export function lastPointSmallOrder(): bool {
  return smallOrder;
}

// For the 32-byte encoding at enc: the table of odd multiples of -P (P decoded strictly, RFC 8032
// §5.1.3), for [a]B - [b]P. Returns its address, valid until the next call, or 0 when enc is not
// a canonical encoding of a point.
export function negatedPointTable(enc: usize): usize {
  const slot = <usize>((load<u32>(enc) * 0x9e3779b1) >>> 29) & (ENTRIES - 1);
  const key = ENCODINGS + (slot << 5);
  const table = TABLES + slot * POINT_TABLE_SIZE;
  if (load<u8>(FILLED + slot) != 0 && memory.compare(key, enc, 32) == 0) {
    smallOrder = load<u8>(SMALL + slot) != 0;
    return table;
  }
  if (!geDecode(POINT, enc)) return 0;
  smallOrder = geIsSmallOrder(POINT);
  geNeg(POINT);
  buildPointTable(table, POINT);
  memory.copy(key, enc, 32);
  store<u8>(FILLED + slot, 1);
  store<u8>(SMALL + slot, smallOrder ? 1 : 0);
  return table;
}
