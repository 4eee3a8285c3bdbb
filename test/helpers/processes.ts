/**
 * Gateways, stores and CLIs as their own processes, exactly as an operator starts them (the
 * same entry points as `make run`, `npm run store` and `npm run admin`), for the tests of what
 * happens between processes: a shared data directory, a busy port, a store killed under load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Proc {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** resolves with the exit code (or the signal's name) */
  exited: Promise<number | string>;
  /** resolves when stdout or stderr has printed a match, rejects if the process exits first */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export function startProcess(script: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    for (const l of listeners) l();
  });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 150_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern) ?? err.match(pattern);
          if (!m) return false;
          cleanup();
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; stdout: ${out.slice(-500)}; stderr: ${err.slice(-500)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(onData);
        };
        const onData = () => void check();
        if (check()) return;
        listeners.add(onData);
        exited.then((code) => {
          if (!check()) {
            cleanup();
            reject(new Error(`exited (${code}) before ${pattern}; stdout: ${out.slice(-500)}; stderr: ${err.slice(-500)}`));
          }
        });
      });
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** `make run`'s entry point with the given environment; resolves once it printed its banner. */
export async function startGatewayProcess(env: Record<string, string>): Promise<Proc & { url: string; adminKey?: string }> {
  const proc = startProcess('server/main.ts', [], env);
  const [, url] = await proc.waitFor(/listening on (http:\/\/\S+)/);
  const key = proc.stdout().match(/shown once, store it now\): (\S+)/)?.[1];
  return Object.assign(proc, { url, adminKey: key });
}
