/**
 * The master key that seals private signing keys and other secrets at rest (docs/architecture.md,
 * Storage). Sources, in order:
 * 1. `GATEWAY_MASTER_KEY`: 32 bytes as 64 hex digits or base64/base64url (production);
 * 2. with a data directory: `<dataDir>/master.key`, generated once with mode 0600 (embedded default),
 *    so that sealed records survive restarts; warned about, since the key sits beside the data;
 * 3. otherwise a random key for this process only: anything sealed is unreadable after a restart,
 *    which is acceptable for tests and throw-away runs and warned about loudly.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

export interface MasterKey {
  key: Buffer;
  source: 'env' | 'file' | 'ephemeral';
}

export const MASTER_KEY_BYTES = 32;

/** Parses 32 bytes from hex or base64(url); throws a message that names the variable, never the value. */
export function parseMasterKey(value: string): Buffer {
  const text = value.trim();
  let bytes: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(text)) bytes = Buffer.from(text, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes === null || bytes.length !== MASTER_KEY_BYTES) {
    throw new Error('GATEWAY_MASTER_KEY must be 32 bytes written as 64 hex digits or base64');
  }
  return bytes;
}

export async function loadMasterKey(options: { value?: string; dataDir?: string; logger?: Logger }): Promise<MasterKey> {
  const { value, dataDir, logger } = options;
  if (value !== undefined && value.trim() !== '') return { key: parseMasterKey(value), source: 'env' };
  if (dataDir !== undefined && dataDir !== '') {
    const file = join(dataDir, 'master.key');
    try {
      return { key: parseMasterKey(await readFile(file, 'utf8')), source: 'file' };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await mkdir(dataDir, { recursive: true });
    const key = randomBytes(MASTER_KEY_BYTES);
    // `wx` fails if another process created the file meanwhile; then read the winner's key.
    try {
      await writeFile(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return { key: parseMasterKey(await readFile(file, 'utf8')), source: 'file' };
    }
    logger?.warn({ file }, 'GATEWAY_MASTER_KEY is not set: generated a master key and stored it beside the data; set GATEWAY_MASTER_KEY in production');
    return { key, source: 'file' };
  }
  logger?.warn('GATEWAY_MASTER_KEY is not set and there is no DATA_DIR: using an EPHEMERAL master key; sealed secrets (signing keys) will be unreadable after a restart');
  return { key: randomBytes(MASTER_KEY_BYTES), source: 'ephemeral' };
}
