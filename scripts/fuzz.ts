/**
 * `npm run fuzz`: the spec-driven fuzz suite of test/fuzz, longer than in `make test`: a fresh
 * seed each run (or FUZZ_SEED), FUZZ_RUNS random bodies and strings per operation (default 60),
 * every API. Prints the counts per API and each finding; exits 1 when there is any.
 */
import { randomInt } from 'node:crypto';
import { startTestGateway } from '../test/helpers/gateway.ts';
import { API_NAMES, fuzzApi, summarize } from '../test/fuzz/_run.ts';

const seed = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));
const randomRuns = Number(process.env.FUZZ_RUNS ?? 60);
const bodyLimit = 64 * 1024;
const gw = await startTestGateway({ BODY_LIMIT_BYTES: String(bodyLimit), MAX_IN_FLIGHT: '100000' });
let findings = 0;
console.log(`fuzz: seed ${seed}, ${randomRuns} random values per operation`);
try {
  for (const api of API_NAMES) {
    const started = Date.now();
    const report = await fuzzApi(api, { baseUrl: gw.url, adminKey: gw.adminKey, seed, randomRuns, bodyLimit });
    findings += report.findings.length;
    console.log(`${api}: ${report.operations} operations, ${report.requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, ${report.findings.length} findings; statuses ${JSON.stringify(report.byStatus)}`);
    if (report.findings.length) console.log(summarize(report.findings, 200));
  }
  const health = await fetch(`${gw.url}/healthz`);
  if (health.status !== 200) throw new Error(`/healthz answered ${health.status} after the run`);
} finally {
  await gw.stop();
}
process.exit(findings ? 1 : 0);
