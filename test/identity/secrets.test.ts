import test from 'ava';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSealer, SealError } from '../../server/identity/secrets/seal.ts';
import { loadMasterKey, parseMasterKey } from '../../server/identity/secrets/master-key.ts';
import { constantTimeEqual, hashSecret, randomSecret, verifySecretHash } from '../../server/identity/secrets/hash.ts';

const key = randomBytes(32);

test('seal and open round-trip text and bytes; every seal uses a fresh IV', (t) => {
  const sealer = createSealer(key);
  const a = sealer.seal('signing-key', '{"d":"secret"}');
  const b = sealer.seal('signing-key', '{"d":"secret"}');
  t.not(a, b);
  t.true(a.startsWith('v1.'));
  t.is(sealer.openText('signing-key', a), '{"d":"secret"}');
  const bytes = randomBytes(100);
  t.deepEqual(sealer.open('zkimg', sealer.seal('zkimg', bytes)), bytes);
  t.is(sealer.openText('empty', sealer.seal('empty', '')), '');
});

test('a sealed value opens only under its own purpose', (t) => {
  const sealer = createSealer(key);
  const sealed = sealer.seal('signing-key', 'private');
  t.throws(() => sealer.open('zkimg', sealed), { instanceOf: SealError });
});

test('a sealed value opens only under its own master key', (t) => {
  const sealed = createSealer(key).seal('p', 'private');
  t.throws(() => createSealer(randomBytes(32)).open('p', sealed), { instanceOf: SealError });
});

test('any flipped bit, truncation or unknown version is refused', (t) => {
  const sealer = createSealer(key);
  const sealed = sealer.seal('p', 'some plaintext to protect');
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  for (let i = 0; i < raw.length; i++) {
    const tampered = Buffer.from(raw);
    tampered[i] ^= 0x01;
    t.throws(() => sealer.open('p', `v1.${tampered.toString('base64url')}`), { instanceOf: SealError }, `byte ${i}`);
  }
  t.throws(() => sealer.open('p', `v1.${raw.subarray(0, 27).toString('base64url')}`), { instanceOf: SealError });
  t.throws(() => sealer.open('p', `v2.${raw.toString('base64url')}`), { instanceOf: SealError });
  t.throws(() => sealer.open('p', 'not sealed'), { instanceOf: SealError });
});

test('master key: 64 hex digits or base64 of 32 bytes; anything else is refused without echoing it', (t) => {
  const bytes = randomBytes(32);
  t.deepEqual(parseMasterKey(bytes.toString('hex')), bytes);
  t.deepEqual(parseMasterKey(bytes.toString('base64')), bytes);
  t.deepEqual(parseMasterKey(bytes.toString('base64url')), bytes);
  const error = t.throws(() => parseMasterKey('too-short-secret-value'));
  t.false(error!.message.includes('too-short-secret-value'));
  t.throws(() => parseMasterKey(randomBytes(31).toString('hex')));
});

test('master key: env first, else generated once in the data directory with mode 0600, else ephemeral', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mk-'));
  try {
    const fromEnv = randomBytes(32);
    t.deepEqual((await loadMasterKey({ value: fromEnv.toString('hex'), dataDir: dir })).key, fromEnv);

    const first = await loadMasterKey({ dataDir: dir });
    t.is(first.source, 'file');
    const mode = (await stat(join(dir, 'master.key'))).mode & 0o777;
    t.is(mode, 0o600);
    const again = await loadMasterKey({ dataDir: dir });
    t.deepEqual(again.key, first.key);
    t.is((await readFile(join(dir, 'master.key'), 'utf8')).trim(), first.key.toString('hex'));

    const ephemeral = await loadMasterKey({});
    t.is(ephemeral.source, 'ephemeral');
    t.is(ephemeral.key.length, 32);
    t.notDeepEqual(ephemeral.key, (await loadMasterKey({})).key);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('secret hashes verify only the exact secret; constant-time compare handles unequal lengths', (t) => {
  const secret = randomSecret();
  t.is(Buffer.from(secret, 'base64url').length, 32);
  const hash = hashSecret(secret);
  t.regex(hash, /^[0-9a-f]{64}$/);
  t.true(verifySecretHash(secret, hash));
  t.false(verifySecretHash(secret + 'x', hash));
  t.false(verifySecretHash(secret.slice(1), hash));
  t.false(constantTimeEqual('abc', 'abcd'));
  t.true(constantTimeEqual('abc', 'abc'));
});
