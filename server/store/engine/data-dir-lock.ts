/**
 * One process per data directory. Two engines on one DATA_DIR would each compact the snapshot and
 * delete the journal the other is still appending to, losing acknowledged writes, so the engine
 * holds an exclusive lock on the directory for its whole life.
 *
 * - The lock itself is a listening socket in Linux's abstract namespace, named from the
 *   directory's real path: binding it is atomic, a second bind fails with EADDRINUSE, and the
 *   kernel releases it when the process dies, however it dies. There is no stale lock to detect
 *   and no race between two processes that both find one (unix(7), "Abstract sockets").
 *   Elsewhere (no abstract namespace) it is a unix socket file in the directory: a socket file
 *   nobody answers on is stale and is replaced.
 * - `LOCK` in the directory names the holder (pid, host, start time) for the refusal message, and
 *   its modification time is refreshed every few seconds: a holder on another host (a volume
 *   shared between machines or containers, where the socket cannot be seen) is refused while its
 *   heartbeat is fresh.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const INFO_FILE = 'LOCK';
const HEARTBEAT_MS = 3000;
/** A foreign holder whose heartbeat is older than this is taken to be gone. */
const FOREIGN_STALE_MS = 15_000;

export interface Holder {
  pid: number;
  host: string;
  startedAt: string;
}

export class DataDirLockedError extends Error {
  readonly dir: string;
  readonly holder: Holder | undefined;
  constructor(dir: string, holder: Holder | undefined) {
    super(
      holder
        ? `data directory ${dir} is in use by process ${holder.pid} on ${holder.host} (since ${holder.startedAt}); stop that process or choose another DATA_DIR`
        : `data directory ${dir} is in use by another process; stop it or choose another DATA_DIR`,
    );
    this.name = 'DataDirLockedError';
    this.dir = dir;
    this.holder = holder;
  }
}

export interface DataDirLock {
  dir: string;
  release(): Promise<void>;
}

function readHolder(dir: string): { holder: Holder; mtimeMs: number } | undefined {
  try {
    const file = path.join(dir, INFO_FILE);
    const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
    return { holder, mtimeMs: fs.statSync(file).mtimeMs };
  } catch {
    return undefined;
  }
}

function listen(server: net.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** True when something answers on the socket file (its holder is alive). */
function answers(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function bindLock(server: net.Server, dir: string): Promise<void> {
  if (process.platform === 'linux') {
    const name = createHash('sha256').update(dir).digest('hex').slice(0, 40);
    await listen(server, `\0identity-gateway-data-dir-${name}`);
    return;
  }
  const file = path.join(dir, 'LOCK.sock');
  try {
    await listen(server, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || (await answers(file))) throw err;
    fs.rmSync(file, { force: true });
    await listen(server, file);
  }
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  fs.mkdirSync(dataDir, { recursive: true });
  const dir = fs.realpathSync(dataDir);
  const server = net.createServer((socket) => socket.destroy());
  try {
    await bindLock(server, dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new DataDirLockedError(dir, readHolder(dir)?.holder);
    throw err;
  }
  server.unref();

  const me: Holder = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  const previous = readHolder(dir);
  if (previous && previous.holder.host !== me.host && Date.now() - previous.mtimeMs < FOREIGN_STALE_MS) {
    server.close();
    throw new DataDirLockedError(dir, previous.holder);
  }
  const infoFile = path.join(dir, INFO_FILE);
  const tmp = `${infoFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(me)}\n`);
  fs.renameSync(tmp, infoFile);
  const heartbeat = setInterval(() => {
    const now = new Date();
    try {
      fs.utimesSync(infoFile, now, now);
    } catch {
      // the directory went away; the socket still holds the lock on this host
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  let released = false;
  return {
    dir,
    async release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      const current = readHolder(dir)?.holder;
      if (current && current.pid === me.pid && current.host === me.host) fs.rmSync(infoFile, { force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
