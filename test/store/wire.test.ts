/**
 * The embedded engine's listener survives a misbehaving client: a connection that sends a
 * malformed message is closed, and other clients keep being served.
 */
import test from 'ava';
import net from 'node:net';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongo } from '../../server/store/engine/index.ts';

function closedAfter(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

test('malformed messages close that connection only', async (t) => {
  const server = await startEmbeddedMongo({});
  const client = new MongoClient(server.uri, { directConnection: true, retryWrites: false, serverSelectionTimeoutMS: 2000 });
  try {
    await client.db('w').collection('c').insertOne({ _id: 1 } as never);

    const badLength = Buffer.alloc(16);
    badLength.writeInt32LE(8, 0); // shorter than any message header
    await closedAfter(server.port, badLength);

    const badOpcode = Buffer.alloc(26);
    badOpcode.writeInt32LE(26, 0);
    badOpcode.writeInt32LE(2012, 12); // OP_COMPRESSED, which the handshake never offered
    await closedAfter(server.port, badOpcode);

    const badBson = Buffer.alloc(30, 0xff);
    badBson.writeInt32LE(30, 0);
    badBson.writeInt32LE(2013, 12);
    badBson.writeUInt32LE(0, 16);
    badBson[20] = 0; // a body section whose BSON length is garbage
    await closedAfter(server.port, badBson);

    t.deepEqual(await client.db('w').collection('c').findOne({ _id: 1 } as never), { _id: 1 } as never);
  } finally {
    await client.close();
    await server.stop();
  }
});
