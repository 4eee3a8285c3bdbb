/**
 * `npm run bench`: every benchmark of the project, one after another, each printing its own
 * table (crypto primitives WASM vs reference vs node:crypto; HTTP; Vault logins and refresh grants,
 * WASM vs reference core; passkey ceremonies, WASM vs reference core; token exchanges per second). Each runs in its own process so one does not warm or load another.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

const BENCHES = ['command-counts.ts', 'peer.ts', 'crypto.ts', 'http.ts', 'vault-zkimg.ts', 'passkeys.ts', 'vault-refresh.ts', 'scim-patch.ts', 'token-exchange.ts', 'directory-wait.ts'];

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
let failed = 0;
for (const bench of BENCHES) {
  const file = `scripts/bench/${bench}`;
  if (!existsSync(file)) continue;
  console.log(`\n=== ${bench.replace(/\.ts$/, '')} ===`);
  const r = spawnSync('node_modules/.bin/tsx', [file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
