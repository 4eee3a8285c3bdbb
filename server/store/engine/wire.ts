/**
 * MongoDB wire protocol framing (https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/):
 * OP_MSG (2013) with body (kind 0) and document-sequence (kind 1) sections for every command,
 * and the legacy OP_QUERY (2004) / OP_REPLY (1) pair that the driver still uses for the first
 * handshake on a connection. OP_COMPRESSED is never sent to us: the handshake offers no
 * compressor.
 */
import { normalizeNumbers } from './numbers.ts';
import { deserialize, serialize } from 'bson';
import type { Doc } from './values.ts';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;

/** MongoDB's maxMessageSizeBytes. */
export const MAX_MESSAGE_BYTES = 48_000_000;

/** Numbers are decoded in their bson classes and then brought to the engine's form (numbers.ts). */
const DESERIALIZE_OPTIONS = { promoteValues: false, promoteBuffers: false, bsonRegExp: false } as const;

export interface WireCommand {
  requestId: number;
  opCode: number;
  db: string;
  body: Doc;
  /** OP_MSG moreToCome: the client expects no reply (unacknowledged write). */
  moreToCome: boolean;
}

export class WireProtocolError extends Error {}

/** Parses one complete message (header included). */
export function parseMessage(msg: Buffer): WireCommand {
  const requestId = msg.readInt32LE(4);
  const opCode = msg.readInt32LE(12);
  if (opCode === OP_MSG) return parseOpMsg(msg, requestId);
  if (opCode === OP_QUERY) return parseOpQuery(msg, requestId);
  throw new WireProtocolError(`unsupported opCode ${opCode}`);
}

function parseOpMsg(msg: Buffer, requestId: number): WireCommand {
  const flags = msg.readUInt32LE(16);
  const end = msg.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
  let pos = 20;
  let body: Doc | undefined;
  const sequences: Array<[string, Doc[]]> = [];
  while (pos < end) {
    const kind = msg[pos++];
    const size = msg.readInt32LE(pos);
    if (size < 5 || pos + size > end) throw new WireProtocolError('OP_MSG section overruns the message');
    if (kind === 0) {
      body = normalizeNumbers(deserialize(msg.subarray(pos, pos + size), DESERIALIZE_OPTIONS)) as Doc;
      pos += size;
    } else if (kind === 1) {
      const sectionEnd = pos + size;
      let p = pos + 4;
      const nul = msg.indexOf(0, p);
      if (nul < 0 || nul >= sectionEnd) throw new WireProtocolError('OP_MSG document sequence without identifier');
      const identifier = msg.toString('utf8', p, nul);
      p = nul + 1;
      const docs: Doc[] = [];
      while (p < sectionEnd) {
        const docSize = msg.readInt32LE(p);
        if (docSize < 5 || p + docSize > sectionEnd) throw new WireProtocolError('OP_MSG document overruns its sequence');
        docs.push(normalizeNumbers(deserialize(msg.subarray(p, p + docSize), DESERIALIZE_OPTIONS)) as Doc);
        p += docSize;
      }
      sequences.push([identifier, docs]);
      pos = sectionEnd;
    } else {
      throw new WireProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireProtocolError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) body[identifier] = docs;
  const db = typeof body.$db === 'string' ? body.$db : 'admin';
  return { requestId, opCode: OP_MSG, db, body, moreToCome: (flags & MORE_TO_COME) !== 0 };
}

function parseOpQuery(msg: Buffer, requestId: number): WireCommand {
  let pos = 20;
  const nul = msg.indexOf(0, pos);
  if (nul < 0) throw new WireProtocolError('OP_QUERY without a collection name');
  const fullName = msg.toString('utf8', pos, nul);
  pos = nul + 1 + 8; // numberToSkip, numberToReturn
  const size = msg.readInt32LE(pos);
  let query = normalizeNumbers(deserialize(msg.subarray(pos, pos + size), DESERIALIZE_OPTIONS)) as Doc;
  // Commands with a read preference arrive wrapped as {$query: cmd, $readPreference: ...}.
  if (query.$query && typeof query.$query === 'object') query = query.$query as Doc;
  if (!fullName.endsWith('.$cmd')) throw new WireProtocolError(`OP_QUERY on ${fullName}: only commands are supported`);
  return { requestId, opCode: OP_QUERY, db: fullName.slice(0, -'.$cmd'.length), body: query, moreToCome: false };
}

let nextResponseId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(nextResponseId++ & 0x7fffffff, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** The reply to a command, in the protocol the command came in. */
export function encodeReply(cmd: WireCommand, reply: Doc): Buffer {
  const doc = serialize(reply, { ignoreUndefined: true });
  if (cmd.opCode === OP_MSG) {
    const flags = Buffer.alloc(5); // flagBits = 0, then section kind 0
    return Buffer.concat([header(16 + 5 + doc.length, cmd.requestId, OP_MSG), flags, doc]);
  }
  // OP_REPLY: responseFlags, cursorID (int64), startingFrom, numberReturned.
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(16 + 20 + doc.length, cmd.requestId, OP_REPLY), fields, doc]);
}
